import type { ViewCtx } from '../../../views/context.ts'
import type { Funding } from '../../../funding/model.ts'
import type { Payout } from '../../../payouts/model.ts'
import type { Ledger } from '../../../payouts/service.ts'
import type { JobLedgerRow } from '../service.ts'
import { dateTime } from '../../../views/format.ts'
import { money } from '../../../domain/money.ts'
import { PostButton } from '../../../views/form.tsx'
import { Speak } from '../../../views/speak.tsx'
import { feeText, receivedText } from '../../../payouts/views/ledger.tsx'
import { AdminNav } from './parts.tsx'

function LedgerFacts({ ctx, ledger, balances }: { ctx: ViewCtx; ledger: Ledger; balances: boolean }): JSX.Element {
  const { t } = ctx
  const m = (v: bigint) => money(v, ledger.assetCode, ledger.assetScale, ctx.lang)
  return (
    <dl class="facts" data-ledger-balanced={String(balances)}>
      <dt safe>{t('ledger.funded')}</dt>
      <dd data-ledger="funded" safe>{m(ledger.funded)}</dd>
      <dt safe>{t('ledger.paid_out')}</dt>
      <dd data-ledger="paid_out" safe>{m(ledger.paidOut)}</dd>
      <dt safe>{t('ledger.refunded')}</dt>
      <dd data-ledger="refunded" safe>{m(ledger.refunded)}</dd>
      <dt safe>{t('ledger.held')}</dt>
      <dd data-ledger="held" safe>{m(ledger.held)}</dd>
      <dt safe>{t('ledger.in_flight')}</dt>
      <dd data-ledger="in_flight" safe>{m(ledger.inFlight)}</dd>
      <dt safe>{t('ledger.fees')}</dt>
      <dd data-ledger="fees" safe>{m(ledger.fees)}</dd>
      <dt safe>{t('ledger.payout_fees')}</dt>
      <dd data-ledger="payout_fees" safe>{m(ledger.payoutFees)}</dd>
      <dt safe>{t('admin.money.balances')}</dt>
      <dd safe>{balances ? t('admin.money.balanced') : t('admin.money.unbalanced')}</dd>
    </dl>
  )
}

type FundingRow = { funding: Funding; title: string; payer: string }
type PayoutRow = { payout: Payout; title: string; receiver: string }

/**
 * Payments and payouts the wallets have not settled either way by their deadline (or whose state this
 * app does not know), with the payments service's evidence and a "Check again now" button.
 */
function ReviewQueue({ ctx, fundings, payouts }: { ctx: ViewCtx; fundings: FundingRow[]; payouts: PayoutRow[] }): JSX.Element {
  const { t, csrf } = ctx
  return (
    <section aria-labelledby="review-h" class="card stack">
      <h2 id="review-h" data-audio-slug="admin.money.review" safe>
        {t('admin.money.review')}
      </h2>
      <p>
        <Speak slug="admin.money.review_explain" text={t('admin.money.review_explain')} ctx={ctx} />
      </p>
      {fundings.length + payouts.length === 0 ? <p safe>{t('common.none')}</p> : ''}
      <ul class="cards">
        {fundings.map(({ funding: f, title, payer }) => (
          <li class="card stack" data-review-funding={f.id}>
            <h3>
              <a href={`/jobs/${f.jobId}`} data-audio-slug={`job.${f.jobId}.title`} safe>
                {title}
              </a>
            </h3>
            <dl class="facts">
              <dt safe>{t('admin.money.kind')}</dt>
              <dd safe>{t('admin.money.funding_kind')}</dd>
              <dt safe>{t('admin.money.from')}</dt>
              <dd safe>{`@${payer}`}</dd>
              <dt safe>{t('ledger.amount')}</dt>
              <dd safe>{money(f.receiveAmount ?? f.requested, f.assetCode, f.assetScale, ctx.lang)}</dd>
              <dt safe>{t('funding.status')}</dt>
              <dd safe>{t(`funding.states.${f.state}`)}</dd>
              <dt safe>{t('admin.money.evidence')}</dt>
              <dd data-evidence safe>{f.failureReason ?? '—'}</dd>
              <dt safe>{t('funding.payment_id')}</dt>
              <dd class="mono" safe>{f.pendingId ?? '—'}</dd>
              <dt safe>{t('admin.money.since')}</dt>
              <dd safe>{dateTime(f.updatedAt, ctx)}</dd>
            </dl>
            <PostButton ctx={ctx} csrf={csrf} action={`/admin/fundings/${f.id}/reconcile`} slug="admin.money.check_again" text={t('admin.money.check_again')} />
          </li>
        ))}
        {payouts.map(({ payout: o, title, receiver }) => (
          <li class="card stack" data-review-payout={o.id}>
            <h3>
              <a href={`/jobs/${o.jobId}`} data-audio-slug={`job.${o.jobId}.title`} safe>
                {title}
              </a>
            </h3>
            <dl class="facts">
              <dt safe>{t('admin.money.kind')}</dt>
              <dd safe>{t(`ledger.kinds.${o.kind}`)}</dd>
              <dt safe>{t('ledger.to')}</dt>
              <dd safe>{`@${receiver}`}</dd>
              <dt safe>{t('ledger.amount')}</dt>
              <dd safe>{money(o.amount, o.assetCode, o.assetScale, ctx.lang)}</dd>
              <dt safe>{t('funding.status')}</dt>
              <dd safe>{t(`payouts.states.${o.state}`)}</dd>
              <dt safe>{t('admin.money.evidence')}</dt>
              <dd data-evidence safe>{o.lastError ?? '—'}</dd>
              <dt safe>{t('admin.money.since')}</dt>
              <dd safe>{dateTime(o.updatedAt, ctx)}</dd>
            </dl>
            <PostButton ctx={ctx} csrf={csrf} action={`/admin/payouts/${o.id}/reconcile`} slug="admin.money.check_again" text={t('admin.money.check_again')} />
          </li>
        ))}
      </ul>
    </section>
  )
}

export function AdminMoney(p: {
  ctx: ViewCtx
  done?: string | undefined
  fundings: FundingRow[]
  payouts: PayoutRow[]
  review: { fundings: FundingRow[]; payouts: PayoutRow[] }
  ledgers: JobLedgerRow[]
  totals: Map<string, Ledger>
}): JSX.Element {
  const { ctx } = p
  const { t } = ctx
  return (
    <>
      <AdminNav ctx={ctx} current="money" done={p.done} />
      <ReviewQueue ctx={ctx} fundings={p.review.fundings} payouts={p.review.payouts} />
      <section aria-labelledby="escrow-total-h">
        <h2 id="escrow-total-h" safe>
          {t('admin.money.escrow_total')}
        </h2>
        {p.totals.size === 0 ? <p safe>{t('common.none')}</p> : ''}
        {[...p.totals.values()].map((ledger) => (
          <div class="card" data-escrow-total={ledger.assetCode}>
            <LedgerFacts ctx={ctx} ledger={ledger} balances={ledger.funded === ledger.paidOut + ledger.refunded + ledger.held} />
          </div>
        ))}
      </section>
      <section aria-labelledby="ledgers-h">
        <h2 id="ledgers-h" safe>
          {t('admin.money.per_job')}
        </h2>
        <ul class="cards">
          {p.ledgers.map(({ job, ledger, balances }) => (
            <li class="card" data-ledger-job={job.id}>
              <h3>
                <a href={`/jobs/${job.id}`} data-audio-slug={`job.${job.id}.title`} safe>
                  {job.title}
                </a>
              </h3>
              <LedgerFacts ctx={ctx} ledger={ledger} balances={balances} />
            </li>
          ))}
        </ul>
      </section>
      <section aria-labelledby="fundings-h">
        <h2 id="fundings-h" safe>
          {t('admin.money.fundings')}
        </h2>
        {p.fundings.length === 0 ? (
          <p safe>{t('common.none')}</p>
        ) : (
          <div class="table-wrap" tabindex="0" role="region" aria-labelledby="fundings-h">
            <table class="stacked">
              <thead>
                <tr>
                  <th scope="col" safe>{t('admin.money.job')}</th>
                  <th scope="col" safe>{t('admin.money.from')}</th>
                  <th scope="col" safe>{t('ledger.amount')}</th>
                  <th scope="col" safe>{t('funding.fee')}</th>
                  <th scope="col" safe>{t('funding.status')}</th>
                  <th scope="col" safe>{t('admin.money.when')}</th>
                </tr>
              </thead>
              <tbody>
                {p.fundings.map(({ funding: f, title, payer }) => (
                  <tr data-funding={f.id} data-funding-state={f.state}>
                    <td data-label={t('admin.money.job')}>
                      <a href={`/jobs/${f.jobId}`} data-audio-slug={`job.${f.jobId}.title`} safe>
                        {title}
                      </a>
                    </td>
                    <td data-label={t('admin.money.from')} safe>{`@${payer}`}</td>
                    <td data-label={t('ledger.amount')} safe>{money(f.state === 'completed' ? f.received : f.requested, f.assetCode, f.assetScale, ctx.lang)}</td>
                    <td data-label={t('funding.fee')} data-funding-fee safe>{f.fee === null ? '—' : money(f.fee, f.debitAssetCode ?? f.assetCode, f.debitAssetScale ?? f.assetScale, ctx.lang)}</td>
                    <td data-label={t('funding.status')}>
                      {/* One grid cell on a phone (table.stacked): the state and its details together. */}
                      <span>
                        <span safe>{t(`funding.states.${f.state}`)}</span>
                        {f.failureReason ? <span class="hint" safe>{` (${f.failureReason})`}</span> : ''}
                        {f.pendingId ? <span class="hint mono" safe>{` ${f.pendingId}`}</span> : ''}
                      </span>
                    </td>
                    <td data-label={t('admin.money.when')} safe>{dateTime(f.createdAt, ctx)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
      <section aria-labelledby="payouts-h">
        <h2 id="payouts-h" safe>
          {t('admin.money.payouts')}
        </h2>
        {p.payouts.length === 0 ? (
          <p safe>{t('common.none')}</p>
        ) : (
          <div class="table-wrap" tabindex="0" role="region" aria-labelledby="payouts-h">
            <table class="stacked">
              <thead>
                <tr>
                  <th scope="col" safe>{t('admin.money.job')}</th>
                  <th scope="col" safe>{t('ledger.kind')}</th>
                  <th scope="col" safe>{t('ledger.to')}</th>
                  <th scope="col" safe>{t('ledger.amount')}</th>
                  <th scope="col" safe>{t('ledger.received')}</th>
                  <th scope="col" safe>{t('ledger.fee')}</th>
                  <th scope="col" safe>{t('funding.status')}</th>
                  <th scope="col" safe>{t('admin.money.when')}</th>
                </tr>
              </thead>
              <tbody>
                {p.payouts.map(({ payout: o, title, receiver }) => (
                  <tr data-payout={o.id} data-payout-state={o.state}>
                    <td data-label={t('admin.money.job')}>
                      <a href={`/jobs/${o.jobId}`} data-audio-slug={`job.${o.jobId}.title`} safe>
                        {title}
                      </a>
                    </td>
                    <td data-label={t('ledger.kind')} safe>{t(`ledger.kinds.${o.kind}`)}</td>
                    <td data-label={t('ledger.to')} safe>{`@${receiver}`}</td>
                    <td data-label={t('ledger.amount')} safe>{money(o.amount, o.assetCode, o.assetScale, ctx.lang)}</td>
                    <td data-label={t('ledger.received')} data-payout-received safe>{receivedText(o, ctx.lang)}</td>
                    <td data-label={t('ledger.fee')} data-payout-fee safe>{feeText(o, ctx.lang)}</td>
                    <td data-label={t('funding.status')}>
                      <span>
                        <span safe>{t(`payouts.states.${o.state}`)}</span>
                        {o.lastError ? <span class="hint" safe>{` (${o.lastError})`}</span> : ''}
                      </span>
                    </td>
                    <td data-label={t('admin.money.when')} safe>{dateTime(o.createdAt, ctx)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </>
  )
}
