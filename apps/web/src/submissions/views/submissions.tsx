import type { ViewCtx } from '../../http/context.ts'
import type { Submission } from '../model.ts'
import type { Job } from '../../jobs/model.ts'
import type { Payout } from '../../payouts/model.ts'
import { payoutFee, payoutReceived } from '../../payouts/figures.ts'
import { Csrf, Field, PostButton, Submit } from '../../views/form.tsx'
import { MediaPreview } from '../../views/media.tsx'
import { Speak } from '../../views/speak.tsx'
import { money } from '../../views/format.ts'

function Work({ ctx, s }: { ctx: ViewCtx; s: Submission }): JSX.Element {
  const { t } = ctx
  return (
    <div class="stack">
      {s.text ? (
        <blockquote class="card" safe>
          {s.text}
        </blockquote>
      ) : (
        ''
      )}
      {s.textFileId ? <MediaPreview t={t} kind="text" id={s.textFileId} /> : ''}
      {s.audioId ? <MediaPreview t={t} kind="audio" id={s.audioId} /> : ''}
      {s.videoId ? <MediaPreview t={t} kind="video" id={s.videoId} /> : ''}
      {s.imageId ? <MediaPreview t={t} kind="image" id={s.imageId} /> : ''}
    </div>
  )
}

/** The selected creator's work: draft, preview (the saved draft shown above the form), submit. */
export function SubmitForm({ ctx, job, draft }: { ctx: ViewCtx; job: Job; draft: Submission | null }): JSX.Element {
  const { t, csrf } = ctx
  const wants = (d: string) => job.deliverableTypes.includes(d as never)
  return (
    <section class="card" aria-labelledby="submit-h">
      <h2 id="submit-h" data-audio-slug="submissions.title" safe>
        {t('submissions.title')}
      </h2>
      {draft ? (
        <>
          <h3 safe>{t('submissions.preview')}</h3>
          <Work ctx={ctx} s={draft} />
        </>
      ) : (
        ''
      )}
      <form method="post" action={`/jobs/${job.id}/submission`} enctype="multipart/form-data" class="stack">
        <Csrf token={csrf} />
        {wants('text') ? <Field t={t} name="text" multiline slug="submissions.text" label={t('submissions.text')} value={draft?.text ?? ''} /> : ''}
        {wants('text') ? <Field t={t} name="textFile" type="file" accept="text/plain" slug="submissions.text_file" label={t('submissions.text_file')} /> : ''}
        {wants('audio') ? (
          <div class="field" data-recorder>
            <Field t={t} name="audio" type="file" accept="audio/*" slug="submissions.audio" label={t('submissions.audio')} hint={t('submissions.audio_hint')} />
          </div>
        ) : (
          ''
        )}
        {wants('video') ? <Field t={t} name="video" type="file" accept="video/*" slug="submissions.video" label={t('submissions.video')} /> : ''}
        {wants('image') ? <Field t={t} name="image" type="file" accept="image/*" slug="submissions.image" label={t('submissions.image')} /> : ''}
        <div class="row">
          <Submit t={t} slug="submissions.save_draft" text={t('submissions.save_draft')} name="action" value="draft" kind="secondary" />
          <Submit t={t} slug="submissions.submit" text={t('submissions.submit')} name="action" value="submit" />
        </div>
      </form>
    </section>
  )
}

/** A payout's state; once paid, what reached the wallet (not what left escrow) and what the wallets kept. */
export function PayoutStatus({ ctx, payout }: { ctx: ViewCtx; payout: Payout | undefined }): JSX.Element {
  const { t } = ctx
  if (!payout) return ''
  const sent = money(payout.amount, payout.assetCode, payout.assetScale)
  const got = payoutReceived(payout)
  const fee = payoutFee(payout)
  const paid = payout.state === 'completed'
  const shown = paid ? money(got.value, got.assetCode, got.assetScale) : sent
  const note = paid && fee !== null && fee > 0n ? ` ${t('payouts.fee_note', { sent, fee: money(fee, payout.assetCode, payout.assetScale) })}` : ''
  return (
    <p data-payout-state={payout.state}>
      <Speak slug={`payouts.state.${payout.state}`} text={`${t(`payouts.states.${payout.state}`)}: ${shown}.${note}`} t={t} />
      {payout.state === 'pending' && payout.lastError ? (
        <span class="hint" safe>
          {` ${t(`payouts.waiting.${payout.lastError === 'no_wallet' ? 'no_wallet' : payout.lastError === 'awaiting_funds' ? 'awaiting_funds' : 'retry'}`)}`}
        </span>
      ) : (
        ''
      )}
    </p>
  )
}

export function MySubmission({ ctx, submission, payout }: { ctx: ViewCtx; submission: Submission; payout: Payout | undefined }): JSX.Element {
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
      <PayoutStatus ctx={ctx} payout={payout} />
      {submission.state === 'accepted' ? (
        <PostButton t={t} csrf={csrf} action={`/submissions/${submission.id}/complete`} slug="submissions.mark_complete" text={t('submissions.mark_complete')} />
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

export function SubmissionList({ ctx, job, rows, payouts }: { ctx: ViewCtx; job: Job; rows: SubmissionRow[]; payouts: Payout[] }): JSX.Element {
  const { t, csrf } = ctx
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
              <PayoutStatus ctx={ctx} payout={payouts.filter((p) => p.kind === 'payout' && p.reference.split(':')[0] === s.id).at(-1)} />
              {canDecide && s.state === 'submitted' ? (
                <div class="row">
                  <PostButton t={t} csrf={csrf} action={`/submissions/${s.id}/accept`} slug="submissions.accept" text={t('submissions.accept')} />
                  <PostButton t={t} csrf={csrf} action={`/submissions/${s.id}/decline`} slug="submissions.decline" text={t('submissions.decline')} kind="danger" />
                </div>
              ) : (
                ''
              )}
            </li>
          ))}
        </ul>
      )}
    </section>
  )
}
