import type { ViewCtx } from '../../views/context.ts'
import type { Ledger } from '../service.ts'
import type { Payout } from '../model.ts'
import { money } from '../../domain/money.ts'
import type { UiLanguage } from '../../domain/languages.ts'
import { PostButton } from '../../views/form.tsx'
import { Speak } from '../../views/speak.tsx'
import { payoutDebited, payoutFee, payoutReceived } from '../figures.ts'
import { balances } from '../ledger.ts'

/** What a payout delivered, once it completed; before that a dash rather than a guess. */
export function receivedText(p: Payout, lang: UiLanguage): string {
  const r = payoutReceived(p)
  return p.state === 'completed' ? money(r.value, r.assetCode, r.assetScale, lang) : '—'
}

/** What a completed payout cost in fees, in the escrow asset; a dash when not known (e.g. across assets). */
export function feeText(p: Payout, lang: UiLanguage): string {
  const f = payoutFee(p)
  return p.state === 'completed' && f !== null ? money(f, p.assetCode, p.assetScale, lang) : '—'
}

/** The job's escrow ledger: funded = paid out + refunded + payout fees + held, always. */
export function LedgerView({ ctx, ledger, payouts }: { ctx: ViewCtx; ledger: Ledger; payouts: { payout: Payout; receiver: { username: string; displayName: string } }[] }): JSX.Element {
  const { t } = ctx
  const m = (v: bigint) => money(v, ledger.assetCode, ledger.assetScale, ctx.lang)
  return (
    <section aria-labelledby="ledger-h" class="card">
      <h2 id="ledger-h" safe>
        {t('ledger.title')}
      </h2>
      <dl class="facts" data-ledger-balanced={String(balances(ledger))}>
        <dt safe>{t('ledger.funded')}</dt>
        <dd data-ledger="funded" safe>{m(ledger.funded)}</dd>
        <dt safe>{t('escrow.ledger_fee_reserve')}</dt>
        <dd data-ledger="fee_reserve" safe>{m(ledger.feeReserve)}</dd>
        <dt safe>{t('ledger.fees')}</dt>
        <dd data-ledger="fees" safe>{m(ledger.fees)}</dd>
        <dt safe>{t('ledger.paid_out')}</dt>
        <dd data-ledger="paid_out" safe>{m(ledger.paidOut)}</dd>
        <dt safe>{t('ledger.refunded')}</dt>
        <dd data-ledger="refunded" safe>{m(ledger.refunded)}</dd>
        <dt safe>{t('ledger.payout_fees')}</dt>
        <dd data-ledger="payout_fees" safe>{m(ledger.payoutFees)}</dd>
        <dt safe>{t('ledger.held')}</dt>
        <dd data-ledger="held" safe>{m(ledger.held)}</dd>
        <dt safe>{t('ledger.in_flight')}</dt>
        <dd data-ledger="in_flight" safe>{m(ledger.inFlight)}</dd>
        {ledger.frozen > 0n ? (
          <>
            <dt safe>{t('review.frozen')}</dt>
            <dd data-ledger="frozen" safe>{m(ledger.frozen)}</dd>
          </>
        ) : (
          ''
        )}
      </dl>
      <p class="hint">
        <Speak slug="escrow.refund_fee" text={t('escrow.refund_fee')} ctx={ctx} />
      </p>
      {payouts.length > 0 ? (
        <div class="table-wrap" tabindex="0" role="region" aria-label={t('ledger.title')}>
        <table class="stacked">
          <thead>
            <tr>
              <th scope="col" safe>{t('ledger.kind')}</th>
              <th scope="col" safe>{t('ledger.to')}</th>
              <th scope="col" safe>{t('ledger.amount')}</th>
              <th scope="col" safe>{t('ledger.received')}</th>
              <th scope="col" safe>{t('ledger.fee')}</th>
              <th scope="col" safe>{t('funding.status')}</th>
              <th scope="col" safe>{t('ledger.action')}</th>
            </tr>
          </thead>
          <tbody>
            {payouts.map(({ payout, receiver }) => (
              <tr data-payout={payout.id} data-payout-state={payout.state}>
                <td data-label={t('ledger.kind')} safe>{t(`ledger.kinds.${payout.kind}`)}</td>
                <td data-label={t('ledger.to')} safe>{receiver.displayName}</td>
                <td data-label={t('ledger.amount')} data-payout-amount safe>{m(payoutDebited(payout))}</td>
                <td data-label={t('ledger.received')} data-payout-received safe>{receivedText(payout, ctx.lang)}</td>
                <td data-label={t('ledger.fee')} data-payout-fee safe>{feeText(payout, ctx.lang)}</td>
                <td data-label={t('funding.status')}>
                  <span safe>{t(`payouts.states.${payout.state}`)}</span>
                  {(payout.state === 'failed' || payout.state === 'needs_review') && payout.lastError ? (
                    <span class="hint" safe>
                      {` (${payout.lastError})`}
                    </span>
                  ) : (
                    ''
                  )}
                </td>
                <td data-label={t('ledger.action')}>
                  {payout.state === 'failed' && !payouts.some((o) => o.payout.reference.startsWith(`${payout.reference.replace(/:retry\d+$/, '')}:retry`) && o.payout.createdAt > payout.createdAt) ? (
                    <PostButton ctx={ctx} csrf={ctx.csrf} action={`/payouts/${payout.id}/retry`} slug="ledger.retry" text={t('ledger.retry')} kind="secondary" />
                  ) : (
                    ''
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        </div>
      ) : (
        ''
      )}
    </section>
  )
}
