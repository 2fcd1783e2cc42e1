import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { SubmissionService } from './service.ts'
import type { JobService } from '../jobs/service.ts'
import type { MediaService } from '../media/service.ts'
import { keepJobFormUploads, type UploadField } from '../media/kept.ts'
import { errorPages, noticeUrl, page, redirect, refusedForm } from '../http/render.tsx'
import { SubmitForm } from './views/submissions.tsx'
import { LIMITS } from '../domain/limits.ts'
import { commonErrorStatus } from '../http/errors.ts'
import { mediaErrorStatus } from '../media/errors.ts'
import { jobErrorStatus } from '../jobs/errors.ts'
import { submissionErrorStatus } from './errors.ts'
import { body, file, str, type FormBody } from '../http/form.ts'
import { isDone, type Done, type OutboxService } from '../outbox/service.ts'
import { outboxErrorStatus } from '../outbox/errors.ts'
import type { Job } from '../jobs/model.ts'
import type { User } from '../domain/user.ts'
import { inputProblems } from '../http/input.ts'
import { requireUser } from '../http/guards.ts'
import { ReviewConfirm, type ReviewAction } from './views/review.tsx'

/** The work's files, beside (or instead of) its text. */
const SUBMISSION_FILES: readonly UploadField[] = [
  { name: 'textFile', kind: 'text' },
  { name: 'audio', kind: 'audio' },
  { name: 'video', kind: 'video' },
  { name: 'image', kind: 'image' }
]

const errorStatus = { ...commonErrorStatus, ...mediaErrorStatus, ...jobErrorStatus, ...submissionErrorStatus, ...outboxErrorStatus }
const errorPage = errorPages(errorStatus)
type Failure = keyof typeof errorStatus
/** Failures of the reason itself: the form is shown again with what was typed. */
const REASON_FAILURES: readonly Failure[] = ['reason_required', 'file_type', 'file_too_large']

/** Failures the form itself answers, shown on it with the person's work kept; the rest get the error page. */
const FORM_ERRORS: Record<string, string | undefined> = { empty_submission: undefined, too_long: 'text', wrong_deliverable: undefined }

export function submissionRoutes(app: FastifyInstance, deps: { submissions: SubmissionService; jobs: JobService; media: MediaService; outbox: OutboxService }): void {
  app.post<{ Params: { id: string } }>('/jobs/:id/submission', { config: { showsFormAgain: true } }, async (req, reply) => {
    const user = requireUser(req, reply)
    if (!user) return reply
    const job = await deps.jobs.getForViewer(user, req.params.id)
    if (job === 'not_found') return errorPage(req, reply, job)
    const b = body(req)
    // Sent again with the same key (a phone that lost the answer): answered as the first time, nothing new.
    const result = await deps.outbox.once(user, str(b, 'idempotencyKey'), 'submission', () => handIn(req, reply, user, job, b))
    if (typeof result === 'string') return errorPage(req, reply, result, `/jobs/${job.id}`)
    return isDone(result) ? reply.redirect(result.done, 303) : result
  })

  /** Saves or submits the form; Done with where to go, or the reply already sent (the form again, or an error). */
  async function handIn(req: FastifyRequest, reply: FastifyReply, user: User, job: Job, b: FormBody): Promise<Done | FastifyReply> {
    // Refused before anything of the form is stored: no file is kept for someone who may not submit.
    const allowed = await deps.submissions.maySubmit(user, job)
    if (typeof allowed === 'string') return errorPage(req, reply, allowed, `/jobs/${job.id}`)
    const submit = str(b, 'action') === 'submit'
    const text = str(b, 'text')
    const kept = await keepJobFormUploads(deps.media, { owner: user, purpose: 'submission', jobId: job.id, body: b, fields: SUBMISSION_FILES, text: { field: 'text', value: text, max: LIMITS.submissionText } })
    const problems = [...inputProblems(req), ...kept.problems]
    const result = problems.length > 0 ? undefined : await deps.submissions.save(user, job, { text, ...kept.ids }, submit)
    if (typeof result === 'string' && !(result in FORM_ERRORS)) return errorPage(req, reply, result, `/jobs/${job.id}`)
    if (result === undefined || typeof result === 'string') {
      if (result) problems.push({ field: FORM_ERRORS[result], code: result, max: result === 'too_long' ? LIMITS.submissionText : undefined })
      const draft = await deps.submissions.getMine(user.id, job.id)
      return refusedForm(req, reply, { title: 'submissions.title', problems, back: `/jobs/${job.id}` }, (ctx) => (
        <SubmitForm ctx={ctx} job={job} draft={draft} problems={problems} values={{ text }} kept={kept.ids} />
      ))
    }
    return { done: noticeUrl(`/jobs/${job.id}`, submit ? 'submitted' : 'draft_saved') }
  }

  /** The confirmation page (GET) before accepting, declining or sending back; the POST does it. */
  async function confirmPage(req: FastifyRequest<{ Params: { id: string } }>, reply: FastifyReply, action: ReviewAction, error?: Failure, reason = '') {
    const user = requireUser(req, reply)
    if (!user) return reply
    const found = await deps.submissions.forOwner(user, req.params.id)
    if (found === 'not_found') return errorPage(req, reply, found)
    const roundsLeft = deps.submissions.review.changeRounds - found.submission.changeRounds
    return page(req, reply, { title: `review.title.${action}`, titleSlug: `review.title.${action}`, status: error ? errorStatus[error] : 200 }, (ctx) => (
      <ReviewConfirm
        ctx={ctx}
        action={action}
        job={found.job}
        submission={found.submission}
        creator={found.creator.displayName}
        roundsLeft={roundsLeft}
        reason={reason}
        error={error ? ctx.t(`errors.${error}`) : undefined}
      />
    ))
  }

  for (const action of ['accept', 'decline', 'changes'] as const) {
    app.get<{ Params: { id: string } }>(`/submissions/:id/${action}`, (req, reply) => confirmPage(req, reply, action))
  }

  app.post<{ Params: { id: string } }>('/submissions/:id/accept', async (req, reply) => {
    const user = requireUser(req, reply)
    if (!user) return reply
    const result = await deps.submissions.accept(user, req.params.id)
    if (typeof result === 'string') return errorPage(req, reply, result)
    return redirect(reply, `/jobs/${result.jobId}`, 'accepted')
  })

  for (const [action, notice] of [
    ['decline', 'declined'],
    ['changes', 'changes_requested']
  ] as const) {
    app.post<{ Params: { id: string } }>(`/submissions/:id/${action}`, async (req, reply) => {
      const user = requireUser(req, reply)
      if (!user) return reply
      const b = body(req)
      const reason = { text: str(b, 'reason'), audio: file(b, 'reasonAudio') }
      const result = action === 'decline' ? await deps.submissions.decline(user, req.params.id, reason) : await deps.submissions.requestChanges(user, req.params.id, reason)
      // A missing reason shows the same form again, saying so (nothing was changed).
      if (typeof result === 'string' && REASON_FAILURES.includes(result)) return confirmPage(req, reply, action, result, reason.text)
      if (typeof result === 'string') return errorPage(req, reply, result)
      return redirect(reply, `/jobs/${result.jobId}`, notice)
    })
  }

  app.post<{ Params: { id: string } }>('/submissions/:id/complete', async (req, reply) => {
    const user = requireUser(req, reply)
    if (!user) return reply
    const result = await deps.submissions.markComplete(user, req.params.id)
    if (typeof result === 'string') return errorPage(req, reply, result)
    return redirect(reply, `/jobs/${result.jobId}`, 'completed')
  })
}
