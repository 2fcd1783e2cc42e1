import type { ViewCtx } from '../../http/context.ts'
import type { Funding } from '../../payments/model.ts'
import type { Payout } from '../../payouts/model.ts'
import type { Ledger } from '../../payouts/service.ts'
import type { JobLedgerRow } from '../service.ts'
import { dateTime, money } from '../../views/format.ts'
import { AdminNav } from './parts.tsx'

function LedgerFacts({ ctx, ledger, balances }: { ctx: ViewCtx; ledger: Ledger; balances: boolean }): JSX.Element {
  const { t } = ctx
  const m = (v: bigint) => money(v, ledger.assetCode, ledger.assetScale)
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
      <dt safe>{t('admin.money.balances')}</dt>
      <dd safe>{balances ? t('admin.money.balanced') : t('admin.money.unbalanced')}</dd>
    </dl>
  )
}

export function AdminMoney(p: {
  ctx: ViewCtx
  fundings: Array<{ funding: Funding; title: string; payer: string }>
  payouts: Array<{ payout: Payout; title: string; receiver: string }>
  ledgers: JobLedgerRow[]
  totals: Map<string, Ledger>
}): JSX.Element {
  const { ctx } = p
  const { t, lang } = ctx
  return (
    <>
      <AdminNav ctx={ctx} current="money" />
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
            <table>
              <thead>
                <tr>
                  <th scope="col" safe>{t('admin.money.job')}</th>
                  <th scope="col" safe>{t('admin.money.from')}</th>
                  <th scope="col" safe>{t('ledger.amount')}</th>
                  <th scope="col" safe>{t('funding.status')}</th>
                  <th scope="col" safe>{t('admin.money.when')}</th>
                </tr>
              </thead>
              <tbody>
                {p.fundings.map(({ funding: f, title, payer }) => (
                  <tr data-funding={f.id} data-funding-state={f.state}>
                    <td>
                      <a href={`/jobs/${f.jobId}`} data-audio-slug={`job.${f.jobId}.title`} safe>
                        {title}
                      </a>
                    </td>
                    <td safe>{`@${payer}`}</td>
                    <td safe>{money(f.state === 'completed' ? f.received : f.requested, f.assetCode, f.assetScale)}</td>
                    <td>
                      <span safe>{t(`funding.states.${f.state}`)}</span>
                      {f.failureReason ? <span class="hint" safe>{` (${f.failureReason})`}</span> : ''}
                      {f.pendingId ? <span class="hint mono" safe>{` ${f.pendingId}`}</span> : ''}
                    </td>
                    <td safe>{dateTime(f.createdAt, lang)}</td>
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
            <table>
              <thead>
                <tr>
                  <th scope="col" safe>{t('admin.money.job')}</th>
                  <th scope="col" safe>{t('ledger.kind')}</th>
                  <th scope="col" safe>{t('ledger.to')}</th>
                  <th scope="col" safe>{t('ledger.amount')}</th>
                  <th scope="col" safe>{t('funding.status')}</th>
                  <th scope="col" safe>{t('admin.money.when')}</th>
                </tr>
              </thead>
              <tbody>
                {p.payouts.map(({ payout: o, title, receiver }) => (
                  <tr data-payout={o.id} data-payout-state={o.state}>
                    <td>
                      <a href={`/jobs/${o.jobId}`} data-audio-slug={`job.${o.jobId}.title`} safe>
                        {title}
                      </a>
                    </td>
                    <td safe>{t(`ledger.kinds.${o.kind}`)}</td>
                    <td safe>{`@${receiver}`}</td>
                    <td safe>{money(o.amount, o.assetCode, o.assetScale)}</td>
                    <td>
                      <span safe>{t(`payouts.states.${o.state}`)}</span>
                      {o.lastError ? <span class="hint" safe>{` (${o.lastError})`}</span> : ''}
                    </td>
                    <td safe>{dateTime(o.createdAt, lang)}</td>
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
