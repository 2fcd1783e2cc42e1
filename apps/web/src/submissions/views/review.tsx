import type { ViewCtx } from '../../views/context.ts'
import type { Submission } from '../model.ts'
import type { Job } from '../../jobs/model.ts'
import { ConfirmForm } from '../../views/confirm.tsx'
import { Field } from '../../views/form.tsx'
import { MediaPreview } from '../../views/media.tsx'
import { Speak } from '../../views/speak.tsx'
import { money } from '../../domain/money.ts'
import { dateTime } from '../../views/format.ts'

export type ReviewAction = 'accept' | 'decline' | 'changes'

/**
 * The funder's confirmation before deciding on a submission: what happens to the money, said in words;
 * declining and sending back ask for a reason (typed, or spoken: a recording like the other audio inputs).
 */
export function ReviewConfirm(p: { ctx: ViewCtx; action: ReviewAction; job: Job; submission: Submission; creator: string; roundsLeft: number; reason?: string; error?: string | undefined }): JSX.Element {
  const { t } = p.ctx
  const pay = money(p.job.amountPerPerson, p.job.assetCode, p.job.assetScale, p.ctx.lang)
  const text = {
    accept: t('review.money.accept', { amount: pay, name: p.creator, fee: money(p.job.payoutFeePerPerson ?? 0n, p.job.assetCode, p.job.assetScale, p.ctx.lang) }),
    decline: t('review.money.decline', { amount: pay, name: p.creator }),
    changes: t('review.money.changes', { amount: pay, name: p.creator, rounds: String(p.roundsLeft - 1) })
  }[p.action]
  const button = { accept: t('submissions.accept'), decline: t('submissions.decline'), changes: t('review.changes.button') }[p.action]
  const slug = { accept: 'submissions.accept', decline: 'submissions.decline', changes: 'review.changes.button' }[p.action]
  return (
    <div class="stack">
      {p.error ? (
        <p class="alert error" role="alert" safe>
          {p.error}
        </p>
      ) : (
        ''
      )}
      <ConfirmForm
        ctx={p.ctx}
        action={`/submissions/${p.submission.id}/${p.action}`}
        money={text}
        moneySlug={`review.money.${p.action}`}
        button={button}
        buttonSlug={slug}
        back={`/jobs/${p.job.id}`}
        kind={p.action === 'decline' ? 'danger' : 'primary'}
        multipart={p.action !== 'accept'}
      >
        {p.action === 'accept' ? (
          ''
        ) : (
          <>
            <Field ctx={p.ctx} name="reason" multiline slug="review.reason" label={t('review.reason')} hint={t('review.reason_hint')} value={p.reason ?? ''} />
            <div class="field" data-recorder>
              <Field ctx={p.ctx} name="reasonAudio" type="file" accept="audio/*" slug="review.reason_audio" label={t('review.reason_audio')} hint={t('submissions.audio_hint')} />
            </div>
          </>
        )}
      </ConfirmForm>
    </div>
  )
}

/** The funder's reason as the creator (and the funder) see it: words and/or the recording. */
export function ReviewReason({ ctx, submission }: { ctx: ViewCtx; submission: Submission }): JSX.Element {
  if (!submission.reviewReason && !submission.reviewAudioId) return ''
  const { t } = ctx
  return (
    <div class="stack" data-review-reason>
      <p>
        <Speak slug="review.reason_label" text={t('review.reason_label')} ctx={ctx} />
      </p>
      {submission.reviewReason ? (
        <blockquote class="card" safe>
          {submission.reviewReason}
        </blockquote>
      ) : (
        ''
      )}
      {submission.reviewAudioId ? <MediaPreview ctx={ctx} kind="audio" id={submission.reviewAudioId} /> : ''}
    </div>
  )
}

/** When the review window ends for submitted work: it is then accepted and paid automatically. */
export function AutoReleaseLine({ ctx, job, releaseAt }: { ctx: ViewCtx; job: Job; releaseAt: Date }): JSX.Element {
  const { t } = ctx
  const when = dateTime(releaseAt, ctx)
  return (
    <p data-release-at={releaseAt.toISOString()}>
      <Speak slug="review.auto_release" text={t('review.auto_release', { date: when, amount: money(job.amountPerPerson, job.assetCode, job.assetScale, ctx.lang) })} ctx={ctx} />
    </p>
  )
}
