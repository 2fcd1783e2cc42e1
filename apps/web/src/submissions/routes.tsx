import type { FastifyInstance } from 'fastify'
import type { SubmissionService } from './service.ts'
import type { JobService } from '../jobs/service.ts'
import { errorPages, redirect } from '../http/render.tsx'
import { commonErrorStatus } from '../http/errors.ts'
import { mediaErrorStatus } from '../media/errors.ts'
import { jobErrorStatus } from '../jobs/errors.ts'
import { submissionErrorStatus } from './errors.ts'
import { body, file, str, upload } from '../http/form.ts'
import { requireUser } from '../http/guards.ts'

const errorPage = errorPages({ ...commonErrorStatus, ...mediaErrorStatus, ...jobErrorStatus, ...submissionErrorStatus })

export function submissionRoutes(app: FastifyInstance, deps: { submissions: SubmissionService; jobs: JobService }): void {
  app.post<{ Params: { id: string } }>('/jobs/:id/submission', async (req, reply) => {
    const user = requireUser(req, reply)
    if (!user) return reply
    const job = await deps.jobs.getForViewer(user, req.params.id)
    if (job === 'not_found') return errorPage(req, reply, job)
    const b = body(req)
    const submit = str(b, 'action') === 'submit'
    const result = await deps.submissions.save(
      user,
      job,
      {
        text: str(b, 'text'),
        textFile: file(b, 'textFile'),
        audio: file(b, 'audio') ?? upload(b, 'audio'),
        video: file(b, 'video') ?? upload(b, 'video'),
        image: file(b, 'image') ?? upload(b, 'image')
      },
      submit
    )
    if (typeof result === 'string') return errorPage(req, reply, result)
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
