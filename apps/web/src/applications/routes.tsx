import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { ApplicationService } from './service.ts'
import { APPLICATION_STATES, type ApplicationState } from './model.ts'
import { errorPages, noticeUrl, redirect } from '../http/render.tsx'
import { commonErrorStatus } from '../http/errors.ts'
import { mediaErrorStatus } from '../media/errors.ts'
import { jobErrorStatus } from '../jobs/errors.ts'
import { applicationErrorStatus } from './errors.ts'
import { body, str, type FormBody } from '../http/form.ts'
import { isDone, type Done, type OutboxService } from '../outbox/service.ts'
import { outboxErrorStatus } from '../outbox/errors.ts'
import type { Job } from '../jobs/model.ts'
import type { User } from '../domain/user.ts'
import { inputProblems } from '../http/input.ts'
import type { MediaService } from '../media/service.ts'
import type { JobService } from '../jobs/service.ts'
import { keepJobFormUploads, type UploadField } from '../media/kept.ts'
import { refusedForm } from '../http/render.tsx'
import { ApplyForm } from './views/applications.tsx'
import { LIMITS } from '../domain/limits.ts'
import { requireUser } from '../http/guards.ts'

/** What an application may carry besides its note. */
const APPLICATION_FILES: readonly UploadField[] = [
  { name: 'audio', kind: 'audio' },
  { name: 'video', kind: 'video' },
  { name: 'image', kind: 'image' }
]

const errorPage = errorPages({ ...commonErrorStatus, ...mediaErrorStatus, ...jobErrorStatus, ...applicationErrorStatus, ...outboxErrorStatus })

export function applicationRoutes(app: FastifyInstance, deps: { applications: ApplicationService; media: MediaService; jobs: JobService; outbox: OutboxService }): void {
  app.post<{ Params: { id: string } }>('/jobs/:id/apply', { config: { showsFormAgain: true } }, async (req, reply) => {
    const user = requireUser(req, reply)
    if (!user) return reply
    const job = await deps.jobs.getForViewer(user, req.params.id)
    if (job === 'not_found') return errorPage(req, reply, job)
    const b = body(req)
    // Sent again with the same key (a phone that lost the answer): answered as the first time, nothing new.
    const result = await deps.outbox.once(user, str(b, 'idempotencyKey'), 'application', () => applyWith(req, reply, user, job, b))
    if (typeof result === 'string') return errorPage(req, reply, result, `/jobs/${job.id}`)
    return isDone(result) ? reply.redirect(result.done, 303) : result
  })

  /** Applies with the form; Done with where to go, or the reply already sent (the form again, or an error). */
  async function applyWith(req: FastifyRequest, reply: FastifyReply, user: User, job: Job, b: FormBody): Promise<Done | FastifyReply> {
    // Refused before anything of the form is stored: no file is kept for someone who may not apply.
    const refused = await deps.applications.mayApply(user, job)
    if (refused) return errorPage(req, reply, refused, `/jobs/${job.id}`)
    const note = str(b, 'note')
    const kept = await keepJobFormUploads(deps.media, { owner: user, purpose: 'application', jobId: job.id, body: b, fields: APPLICATION_FILES, text: { field: 'note', value: note, max: LIMITS.applicationNote } })
    const problems = [...inputProblems(req), ...kept.problems]
    const result = problems.length > 0 ? undefined : await deps.applications.apply(user, job.id, { note, ...kept.ids })
    if (typeof result === 'string' && result !== 'too_long') return errorPage(req, reply, result, `/jobs/${job.id}`)
    if (result === undefined || typeof result === 'string') {
      // The form again, with what was typed and the files kept (recorded audio is not lost).
      if (result) problems.push({ field: 'note', code: 'too_long', max: LIMITS.applicationNote })
      return refusedForm(req, reply, { title: 'applications.apply_title', titleSlug: 'job.apply', problems, back: `/jobs/${job.id}` }, (ctx) => (
        <ApplyForm ctx={ctx} job={job} problems={problems} values={{ note }} kept={kept.ids} />
      ))
    }
    return { done: noticeUrl(`/jobs/${job.id}`, 'applied') }
  }

  app.post<{ Params: { id: string } }>('/applications/:id/withdraw', async (req, reply) => {
    const user = requireUser(req, reply)
    if (!user) return reply
    const result = await deps.applications.withdraw(user, req.params.id)
    if (typeof result === 'string') return errorPage(req, reply, result)
    return redirect(reply, `/jobs/${result.job.id}`, 'withdrawn')
  })

  app.post<{ Params: { id: string } }>('/applications/:id/decide', async (req, reply) => {
    const user = requireUser(req, reply)
    if (!user) return reply
    const state = str(body(req), 'state')
    if (!(APPLICATION_STATES as readonly string[]).includes(state)) return errorPage(req, reply, 'invalid_input')
    const result = await deps.applications.decide(user, req.params.id, state as ApplicationState)
    if (typeof result === 'string') return errorPage(req, reply, result)
    return redirect(reply, `/jobs/${result.job.id}`, 'selected')
  })
}
