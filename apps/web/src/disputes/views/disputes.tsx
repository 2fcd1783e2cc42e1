import type { ViewCtx } from '../../views/context.ts'
import type { Dispute } from '../model.ts'
import type { Job } from '../../jobs/model.ts'
import type { Submission } from '../../submissions/model.ts'
import { ConfirmForm } from '../../views/confirm.tsx'
import { Checkboxes, Field } from '../../views/form.tsx'
import { Speak } from '../../views/speak.tsx'
import { money } from '../../domain/money.ts'
import type { UiLanguage } from '../../domain/languages.ts'
import { dateTime } from '../../views/format.ts'

const pay = (lang: UiLanguage, job: Pick<Job, 'amountPerPerson' | 'assetCode' | 'assetScale'>) => money(job.amountPerPerson, job.assetCode, job.assetScale, lang)
/** The payout fee reserve the funder paid for this person (disputes/service.ts: a refund returns it unspent). */
const reserve = (lang: UiLanguage, job: Pick<Job, 'payoutFeePerPerson' | 'assetCode' | 'assetScale'>) => money(job.payoutFeePerPerson ?? 0n, job.assetCode, job.assetScale, lang)
const share = (lang: UiLanguage, job: Pick<Job, 'amountPerPerson' | 'payoutFeePerPerson' | 'assetCode' | 'assetScale'>) => money(job.amountPerPerson + (job.payoutFeePerPerson ?? 0n), job.assetCode, job.assetScale, lang)

/** Opening a dispute: what happens to the money (frozen), a reason, then a plain POST. */
export function OpenDispute(p: { ctx: ViewCtx; job: Job; submission: Submission; allowed: boolean; reason?: string; error?: string | undefined }): JSX.Element {
  const { t } = p.ctx
  return (
    <div class="stack">
      <p>
        <a href={`/jobs/${p.job.id}`} safe>
          {p.job.title}
        </a>
      </p>
      {p.error ? (
        <p class="alert error" role="alert" safe>
          {p.error}
        </p>
      ) : (
        ''
      )}
      {p.allowed ? (
        <ConfirmForm
          ctx={p.ctx}
          action={`/submissions/${p.submission.id}/dispute`}
          money={t('review.money.dispute', { amount: pay(p.ctx.lang, p.job) })}
          moneySlug="review.money.dispute"
          button={t('review.dispute.open')}
          buttonSlug="review.dispute.open"
          back={`/jobs/${p.job.id}`}
          kind="danger"
        >
          <Field ctx={p.ctx} name="reason" multiline required slug="review.dispute.reason" label={t('review.dispute.reason')} hint={t('review.dispute.reason_hint')} value={p.reason ?? ''} />
        </ConfirmForm>
      ) : (
        <p class="alert" data-dispute-closed>
          <Speak slug="review.dispute.not_possible" text={t('review.dispute.not_possible')} ctx={p.ctx} />
        </p>
      )}
    </div>
  )
}

export interface DisputeRow {
  dispute: Dispute
  job: { id: string; title: string; assetCode: string; assetScale: number }
  opener: { username: string }
}

/** Admins: every dispute, open ones first. */
export function DisputeList({ ctx, rows }: { ctx: ViewCtx; rows: DisputeRow[] }): JSX.Element {
  const { t } = ctx
  const back = (
    <p>
      <a href="/admin" class="btn secondary" data-audio-slug="admin.overview" safe>
        {t('admin.overview')}
      </a>
    </p>
  )
  if (rows.length === 0) {
    return (
      <>
        {back}
        <p safe>{t('common.none')}</p>
      </>
    )
  }
  return (
    <>
      {back}
      <ul class="cards">
        {rows.map(({ dispute: d, job, opener }) => (
          <li class="card" data-dispute={d.id} data-dispute-state={d.state}>
            <h2 safe>{job.title}</h2>
            <p safe>{`${t('review.dispute.opened_by', { name: `@${opener.username}` })} · ${dateTime(d.createdAt, ctx)}`}</p>
            <blockquote safe>{d.reason}</blockquote>
            <p>
              <span class="badge" safe>
                {d.state === 'open' ? t('review.dispute.state_open') : t(`review.decision.${d.decision ?? 'release'}`)}
              </span>
              {d.state === 'decided' && d.creatorAmount !== null ? <span safe>{` ${t('review.dispute.to_creator', { amount: money(d.creatorAmount, job.assetCode, job.assetScale, ctx.lang) })}`}</span> : ''}
            </p>
            <a href={`/admin/disputes/${d.id}`} class="btn secondary" safe>
              {d.state === 'open' ? t('review.dispute.decide') : t('review.dispute.view')}
            </a>
          </li>
        ))}
      </ul>
    </>
  )
}

/**
 * An admin decides: release, refund or split, with a confirmation box that says what each does to the
 * money; nothing moves unless it is ticked.
 */
export function DecideDispute(p: { ctx: ViewCtx; dispute: Dispute; job: Job; submission: Submission; opener: string; values?: { decision?: string; amount?: string }; error?: string | undefined }): JSX.Element {
  const { t } = p.ctx
  const { dispute: d, job } = p
  return (
    <div class="stack">
      <dl class="facts">
        <dt safe>{t('review.dispute.job')}</dt>
        <dd>
          <a href={`/jobs/${job.id}`} safe>
            {job.title}
          </a>
        </dd>
        <dt safe>{t('review.dispute.opened_by_label')}</dt>
        <dd safe>{`@${p.opener} · ${dateTime(d.createdAt, p.ctx)}`}</dd>
        <dt safe>{t('review.dispute.reason')}</dt>
        <dd safe>{d.reason}</dd>
        <dt safe>{t('jobs.amount')}</dt>
        <dd safe>{pay(p.ctx.lang, job)}</dd>
      </dl>
      {p.error ? (
        <p class="alert error" role="alert" safe>
          {p.error}
        </p>
      ) : (
        ''
      )}
      {d.state === 'open' ? (
        <ConfirmForm
          ctx={p.ctx}
          action={`/admin/disputes/${d.id}/decide`}
          money={t('review.money.decide', { amount: pay(p.ctx.lang, job), fee: reserve(p.ctx.lang, job) })}
          moneySlug="review.money.decide"
          button={t('review.dispute.decide')}
          buttonSlug="review.dispute.decide"
          back="/admin/disputes"
        >
          <Checkboxes
            ctx={p.ctx}
            type="radio"
            name="decision"
            slug="review.decision"
            legend={t('review.decision.legend')}
            values={[p.values?.decision ?? 'release']}
            options={[
              { value: 'release', label: t('review.decision.release_long', { amount: pay(p.ctx.lang, job) }) },
              { value: 'refund', label: t('review.decision.refund_long', { amount: share(p.ctx.lang, job) }) },
              { value: 'split', label: t('review.decision.split_long') }
            ]}
          />
          <Field ctx={p.ctx} name="amount" slug="review.decision.amount" label={t('review.decision.amount', { asset: job.assetCode })} hint={t('review.decision.amount_hint', { amount: pay(p.ctx.lang, job) })} value={p.values?.amount ?? ''} />
          <Checkboxes ctx={p.ctx} name="confirm" slug="review.decision.confirm" legend={t('review.decision.confirm_legend')} values={[]} options={[{ value: 'yes', label: t('review.decision.confirm') }]} />
        </ConfirmForm>
      ) : (
        <p class="alert ok" data-dispute-decision={d.decision}>
          <Speak
            slug={`review.decision.${d.decision}`}
            text={`${t(`review.decision.${d.decision ?? 'release'}`)}: ${t('review.dispute.to_creator', { amount: money(d.creatorAmount ?? 0n, job.assetCode, job.assetScale, p.ctx.lang) })}`}
            ctx={p.ctx}
          />
        </p>
      )}
    </div>
  )
}
