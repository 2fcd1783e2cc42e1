import type { ViewCtx } from '../../views/context.ts'
import type { Submission } from '../model.ts'
import type { Job } from '../../jobs/model.ts'
import { Csrf, ErrorSummary, Field, KeptFile, LinkButton, PostButton, Submit, fieldError, type Problem } from '../../views/form.tsx'
import { LIMITS } from '../../domain/limits.ts'
import { MediaPreview } from '../../views/media.tsx'
import { Speak } from '../../views/speak.tsx'
import { AutoReleaseLine, ReviewReason } from './review.tsx'

/** Work either side may still dispute (its pay is in escrow, not yet paid out). */
const DISPUTABLE = ['submitted', 'changes_requested', 'declined']
const canDispute = (job: Job, s: Submission) => DISPUTABLE.includes(s.state) && (job.state === 'submitting' || job.state === 'reviewing')

function DisputeLink({ ctx, s }: { ctx: ViewCtx; s: Submission }): JSX.Element {
  return <LinkButton ctx={ctx} href={`/submissions/${s.id}/dispute`} slug="review.dispute.open" text={ctx.t('review.dispute.open')} />
}
import { ResumableUpload } from '../../views/upload.tsx'
import { OutboxKey, OutboxPanel } from '../../outbox/views/outbox.tsx'

function Work({ ctx, s }: { ctx: ViewCtx; s: Submission }): JSX.Element {
  return (
    <div class="stack">
      {s.text ? (
        <blockquote class="card" safe>
          {s.text}
        </blockquote>
      ) : (
        ''
      )}
      {s.textFileId ? <MediaPreview ctx={ctx} kind="text" id={s.textFileId} /> : ''}
      {s.audioId ? <MediaPreview ctx={ctx} kind="audio" id={s.audioId} /> : ''}
      {s.videoId ? <MediaPreview ctx={ctx} kind="video" id={s.videoId} /> : ''}
      {s.imageId ? <MediaPreview ctx={ctx} kind="image" id={s.imageId} /> : ''}
    </div>
  )
}

/** The selected creator's work: draft, preview (the saved draft shown above the form), submit. */
export function SubmitForm(p: {
  ctx: ViewCtx
  job: Job
  draft: Submission | null
  /** A refused try: its problems, what was typed and the files kept from it (media/kept.ts). */
  problems?: readonly Problem[]
  values?: { text: string }
  kept?: Record<string, string>
}): JSX.Element {
  const { ctx, job, draft } = p
  const { t, csrf } = ctx
  const wants = (d: string) => job.deliverableTypes.includes(d as never)
  const err = (f: string) => fieldError(ctx, p.problems, f)
  const kept = p.kept ?? {}
  return (
    <section class="card" aria-labelledby="submit-h">
      <h2 id="submit-h" data-audio-slug="submissions.title" safe>
        {t('submissions.title')}
      </h2>
      {draft?.state === 'changes_requested' ? (
        <div class="alert" data-changes-requested>
          <Speak slug="review.changes.creator" text={t('review.changes.creator')} ctx={ctx} />
          <ReviewReason ctx={ctx} submission={draft} />
        </div>
      ) : (
        ''
      )}
      {draft ? (
        <>
          <h3 safe>{t('submissions.preview')}</h3>
          <Work ctx={ctx} s={draft} />
        </>
      ) : (
        ''
      )}
      <form method="post" action={`/jobs/${job.id}/submission`} enctype="multipart/form-data" class="stack" data-resumable data-outbox data-outbox-label={`${t('submissions.title')}: ${job.title}`}>
        <ErrorSummary ctx={ctx} problems={p.problems} />
        <Csrf token={csrf} />
        <OutboxKey />
        {wants('text') ? (
          <Field ctx={ctx} name="text" multiline slug="submissions.text" label={t('submissions.text')} value={p.values?.text ?? draft?.text ?? ''} maxlength={LIMITS.submissionText} {...err('text')} />
        ) : (
          ''
        )}
        {wants('text') ? <KeptFile ctx={ctx} name="textFile" kind="text" id={kept.textFile} /> : ''}
        {wants('text') ? <Field ctx={ctx} name="textFile" type="file" accept="text/plain" slug="submissions.text_file" label={t('submissions.text_file')} {...err('textFile')} /> : ''}
        {wants('audio') ? (
          <div class="field" data-recorder>
            <KeptFile ctx={ctx} name="audio" kind="audio" id={kept.audio} />
            <Field ctx={ctx} name="audio" type="file" accept="audio/*" slug="submissions.audio" label={t('submissions.audio')} hint={t('submissions.audio_hint')} {...err('audio')} />
          </div>
        ) : (
          ''
        )}
        {wants('video') ? <KeptFile ctx={ctx} name="video" kind="video" id={kept.video} /> : ''}
        {wants('video') ? <Field ctx={ctx} name="video" type="file" accept="video/*" slug="submissions.video" label={t('submissions.video')} {...err('video')} /> : ''}
        {wants('image') ? <KeptFile ctx={ctx} name="image" kind="image" id={kept.image} /> : ''}
        {wants('image') ? <Field ctx={ctx} name="image" type="file" accept="image/*" slug="submissions.image" label={t('submissions.image')} {...err('image')} /> : ''}
        <div class="row">
          <Submit ctx={ctx} slug="submissions.save_draft" text={t('submissions.save_draft')} name="action" value="draft" kind="secondary" />
          <Submit ctx={ctx} slug="submissions.submit" text={t('submissions.submit')} name="action" value="submit" />
        </div>
        <ResumableUpload ctx={ctx} />
      </form>
      <OutboxPanel ctx={ctx} />
    </section>
  )
}

/** The creator's own work; `payout` is what the page shows of its payout (payouts/views/status.tsx). */
export function MySubmission({ ctx, job, submission, payout, releaseAt }: { ctx: ViewCtx; job: Job; submission: Submission; payout: JSX.Element; releaseAt: Date | null }): JSX.Element {
  const { t, csrf } = ctx
  return (
    <section class="card" aria-labelledby="mysub-h">
      <h2 id="mysub-h" safe>
        {t('submissions.mine')}
      </h2>
      <p data-submission-state={submission.state}>
        <span class="badge" safe>
          {t(`submissions.states.${submission.state}`)}
        </span>
      </p>
      <Work ctx={ctx} s={submission} />
      {submission.state === 'declined' ? <ReviewReason ctx={ctx} submission={submission} /> : ''}
      {submission.state === 'disputed' ? <Speak slug="review.dispute.frozen" text={t('review.dispute.frozen')} ctx={ctx} /> : ''}
      {submission.state === 'submitted' && releaseAt ? <AutoReleaseLine ctx={ctx} job={job} releaseAt={releaseAt} /> : ''}
      {payout}
      {canDispute(job, submission) ? <DisputeLink ctx={ctx} s={submission} /> : ''}
      {submission.state === 'accepted' ? (
        <PostButton ctx={ctx} csrf={csrf} action={`/submissions/${submission.id}/complete`} slug="submissions.mark_complete" text={t('submissions.mark_complete')} />
      ) : (
        ''
      )}
    </section>
  )
}

export interface SubmissionRow {
  submission: Submission
  creator: { id: string; username: string; displayName: string }
}

/** The job's submitted work, for its owner; `payoutOf` shows each one's payout (the page knows the payouts). */
export function SubmissionList(p: { ctx: ViewCtx; job: Job; rows: SubmissionRow[]; payoutOf: (s: Submission) => JSX.Element; releaseAt: (s: Submission) => Date | null; roundsLeft: (s: Submission) => number }): JSX.Element {
  const { ctx, job, rows, payoutOf } = p
  const { t } = ctx
  const canDecide = job.state === 'submitting' || job.state === 'reviewing'
  return (
    <section aria-labelledby="subs-h">
      <h2 id="subs-h" safe>
        {t('submissions.list_title', { count: rows.length })}
      </h2>
      {rows.length === 0 ? (
        <p safe>{t('common.none')}</p>
      ) : (
        <ul class="cards">
          {rows.map(({ submission: s, creator }) => (
            <li class="card" data-submission={s.id}>
              <h3 safe>{`${creator.displayName} (@${creator.username})`}</h3>
              <p>
                <span class="badge" safe>
                  {t(`submissions.states.${s.state}`)}
                </span>
              </p>
              <Work ctx={ctx} s={s} />
              <ReviewReason ctx={ctx} submission={s} />
              {s.state === 'submitted' && p.releaseAt(s) ? <AutoReleaseLine ctx={ctx} job={job} releaseAt={p.releaseAt(s)!} /> : ''}
              {s.state === 'disputed' ? <Speak slug="review.dispute.frozen" text={t('review.dispute.frozen')} ctx={ctx} /> : ''}
              {payoutOf(s)}
              {/* Each decision opens its confirmation page first (what happens to the money), then posts. */}
              <div class="row">
                {canDecide && s.state === 'submitted' ? (
                  <>
                    <LinkButton ctx={ctx} href={`/submissions/${s.id}/accept`} slug="submissions.accept" text={t('submissions.accept')} kind="primary" />
                    {p.roundsLeft(s) > 0 ? <LinkButton ctx={ctx} href={`/submissions/${s.id}/changes`} slug="review.changes.button" text={t('review.changes.button')} /> : ''}
                    <LinkButton ctx={ctx} href={`/submissions/${s.id}/decline`} slug="submissions.decline" text={t('submissions.decline')} kind="danger" />
                  </>
                ) : (
                  ''
                )}
                {canDispute(job, s) ? <DisputeLink ctx={ctx} s={s} /> : ''}
              </div>
            </li>
          ))}
        </ul>
      )}
    </section>
  )
}
