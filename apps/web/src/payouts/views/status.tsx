import type { ViewCtx } from '../../views/context.ts'
import type { Payout } from '../model.ts'
import { feeBorneByReceiver, payoutDebited, payoutFee, payoutReceived } from '../figures.ts'
import { Speak } from '../../views/speak.tsx'
import { money } from '../../domain/money.ts'

/** A payout's state; once paid, what reached the wallet (not what left escrow) and what the wallets kept. */
export function PayoutStatus({ ctx, payout }: { ctx: ViewCtx; payout: Payout | undefined }): JSX.Element {
  const { t } = ctx
  if (!payout) return ''
  const sent = money(payoutDebited(payout), payout.assetCode, payout.assetScale, ctx.lang)
  const got = payoutReceived(payout)
  const fee = payoutFee(payout)
  const paid = payout.state === 'completed'
  // A creator's pay is fixed: what she is promised is what arrives, and the fee is not hers to read about.
  const shown = paid || payout.kind === 'payout' ? money(got.value, got.assetCode, got.assetScale, ctx.lang) : sent
  const note = paid && feeBorneByReceiver(payout) && fee !== null && fee > 0n ? ` ${t('payouts.fee_note', { sent, fee: money(fee, payout.assetCode, payout.assetScale, ctx.lang) })}` : ''
  return (
    <p data-payout-state={payout.state}>
      <Speak slug={`payouts.state.${payout.state}`} text={`${t(`payouts.states.${payout.state}`)}: ${shown}.${note}`} ctx={ctx} />
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

