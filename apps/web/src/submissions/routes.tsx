import type { FastifyInstance } from 'fastify'
import type { SubmissionService } from './service.ts'
import type { JobService } from '../jobs/service.ts'
import type { MediaService } from '../media/service.ts'
import { keepUploads } from '../media/kept.ts'
import { errorPages, page, redirect } from '../http/render.tsx'
import { SubmitForm } from './views/submissions.tsx'
import { LinkButton } from '../views/form.tsx'
import { LIMITS, tooLong } from '../domain/limits.ts'
import { refusedStatus, type Problem } from '../domain/problems.ts'
import { commonErrorStatus } from '../http/errors.ts'
import { mediaErrorStatus } from '../media/errors.ts'
import { jobErrorStatus } from '../jobs/errors.ts'
import { submissionErrorStatus } from './errors.ts'
import { body, str } from '../http/form.ts'
import { requireUser } from '../http/guards.ts'

const errorPage = errorPages({ ...commonErrorStatus, ...mediaErrorStatus, ...jobErrorStatus, ...submissionErrorStatus })

/** Failures the form itself answers, shown on it with the person's work kept; the rest get the error page. */
const FORM_ERRORS: Record<string, string | undefined> = { empty_submission: undefined, too_long: 'text', wrong_deliverable: undefined }

export function submissionRoutes(app: FastifyInstance, deps: { submissions: SubmissionService; jobs: JobService; media: MediaService }): void {
  app.post<{ Params: { id: string } }>('/jobs/:id/submission', async (req, reply) => {
    const user = requireUser(req, reply)
    if (!user) return reply
    const job = await deps.jobs.getForViewer(user, req.params.id)
    if (job === 'not_found') return errorPage(req, reply, job)
    const b = body(req)
    const submit = str(b, 'action') === 'submit'
    const text = str(b, 'text')
    const kept = await keepUploads(deps.media, {
      owner: user,
      purpose: 'submission',
      jobId: job.id,
      body: b,
      fields: [
        { name: 'textFile', kind: 'text' },
        { name: 'audio', kind: 'audio' },
        { name: 'video', kind: 'video' },
        { name: 'image', kind: 'image' }
      ]
    })
    const problems: Problem[] = [...kept.problems]
    if (tooLong(text, LIMITS.submissionText)) problems.unshift({ field: 'text', code: 'too_long', max: LIMITS.submissionText })
    const result = problems.length > 0 ? undefined : await deps.submissions.save(user, job, { text, ...kept.ids }, submit)
    if (typeof result === 'string' && !(result in FORM_ERRORS)) return errorPage(req, reply, result, `/jobs/${job.id}`)
    if (result === undefined || typeof result === 'string') {
      if (result) problems.push({ field: FORM_ERRORS[result], code: result, max: result === 'too_long' ? LIMITS.submissionText : undefined })
      const draft = await deps.submissions.getMine(user.id, job.id)
      return page(req, reply, { title: 'submissions.title', titleSlug: 'submissions.title', status: refusedStatus(problems) }, (ctx) => (
        <>
          <p>
            <LinkButton ctx={ctx} href={`/jobs/${job.id}`} slug="forms.back" text={ctx.t('forms.back')} />
          </p>
          <SubmitForm ctx={ctx} job={job} draft={draft} problems={problems} values={{ text }} kept={kept.ids} />
        </>
      ))
    }
    return redirect(reply, `/jobs/${job.id}`, submit ? 'submitted' : 'draft_saved')
  })

  const decision = (path: string, notice: string, run: typeof deps.submissions.accept) => {
    app.post<{ Params: { id: string } }>(`/submissions/:id/${path}`, async (req, reply) => {
      const user = requireUser(req, reply)
      if (!user) return reply
      const result = await run(user, req.params.id)
      if (typeof result === 'string') return errorPage(req, reply, result)
      return redirect(reply, `/jobs/${result.jobId}`, notice)
    })
  }
  decision('accept', 'accepted', (u, id) => deps.submissions.accept(u, id))
  decision('decline', 'declined', (u, id) => deps.submissions.decline(u, id))
  decision('complete', 'completed', (u, id) => deps.submissions.markComplete(u, id))
}
