import { formatMinorUnits } from '@voces/platform'
import { isFailure, type Failure } from '../errors.ts'
import { completeIncomingPayment, readIncomingPayment, type IncomingState } from '../open-payments/incoming.ts'
import { notSettledPatch } from '../open-payments/not-settled.ts'
import type { PayoutDeps } from './deps.ts'
import type { PayoutRow, PayoutState } from './model.ts'
import { activePayoutGrant } from './standing-grant.ts'
import { transitionPayout } from './store.ts'

/**
 * Settling a sent payout from the money (the receiver's incoming payment), and closing incoming
 * payments a payout no longer uses. The twin of payment/settle.ts.
 */
export function createPayoutSettlement(deps: PayoutDeps) {
  const log = deps.logger.child({ component: 'payouts' })
  const { worker } = deps.config
  const { clock } = deps

  const incomingRef = (p: PayoutRow, incomingPaymentUrl = p.incomingPaymentId!) => ({ walletAddressUrl: p.receiverWalletAddressUrl, incomingPaymentUrl })

  /**
   * Best effort: completes an incoming payment the payout no longer uses, so that nothing is left
   * open at the receiver's wallet (it would otherwise wait for its expiry).
   */
  async function closeIncoming(p: PayoutRow, incomingPaymentUrl: string | null): Promise<void> {
    if (!incomingPaymentUrl) return
    const seller = await deps.sellers.get(p.sellerId)
    if (isFailure(seller)) return
    const closed = await completeIncomingPayment(deps.openPayments, seller, incomingRef(p, incomingPaymentUrl), clock.now())
    if (isFailure(closed)) log.info({ payoutId: p.id, reason: closed.message }, 'could not close an unused incoming payment (it expires on its own)')
  }

  /**
   * Settles a sent payout from the money: complete when the receiver's incoming payment has what
   * the quote promised (and is then completed by us, so its owner is credited now); failed when the
   * escrow wallet marks the outgoing payment failed, or the incoming payment closed empty. Only the
   * wallets' word ends it; past its deadline it goes to needs_review and is still checked.
   */
  async function settle(p: PayoutRow): Promise<PayoutRow | undefined> {
    const now = clock.now()
    const from: PayoutState[] = ['sending', 'needs_review']
    const seller = await deps.sellers.get(p.sellerId)
    if (isFailure(seller)) return later(p, seller.message)
    // The receiver's incoming payment before the outgoing one, as in payment/settle.ts: a wallet that settles
    // between the two reads then shows what it sent too.
    const incoming = await readIncomingPayment(deps.openPayments, seller, incomingRef(p), now)
    // Any usable token of the escrow's grants can read the outgoing payment; without one, the
    // incoming payment alone still tells whether the money arrived.
    const grant = await activePayoutGrant(deps, p.sellerId)
    const outgoing = isFailure(grant)
      ? grant
      : await deps.openPayments.call(seller, 'outgoing_payment_status', (client) => client.outgoingPayment.get({ url: p.outgoingPaymentId!, accessToken: grant.accessToken! }))
    const sent = isFailure(outgoing) ? p.sentValue : BigInt(outgoing.sentAmount.value)
    const expected = p.receiveValue ?? 0n

    if (!isFailure(incoming) && expected > 0n && incoming.received >= expected) {
      const closed = incoming.completed ? incoming : await completeIncomingPayment(deps.openPayments, seller, incomingRef(p), now)
      if (isFailure(closed)) return later(p, `the money arrived but the receiver's incoming payment could not be completed (${closed.message})`, { sent, incoming })
      log.info({ payoutId: p.id, received: incoming.received.toString() }, 'payout arrived; receiver credited')
      return transitionPayout(deps, p.id, from, {
        state: 'completed',
        sentValue: sent,
        receivedValue: incoming.received,
        incomingClosedAt: now,
        completedAt: now,
        failureCode: null,
        failureMessage: null,
        nextAttemptAt: null
      })
    }
    const emptyAndClosed = !isFailure(incoming) && incoming.closed && incoming.received === 0n
    if ((!isFailure(outgoing) && outgoing.failed) || emptyAndClosed) {
      const failed = await transitionPayout(deps, p.id, from, {
        state: 'failed',
        sentValue: sent,
        receivedValue: isFailure(incoming) ? p.receivedValue : incoming.received,
        failureCode: 'payment_failed',
        failureMessage:
          !isFailure(outgoing) && outgoing.failed
            ? 'The escrow wallet could not send the payout (for example, not enough funds)'
            : "Nothing arrived before the receiver's incoming payment closed",
        nextAttemptAt: null
      })
      if (failed && !emptyAndClosed) await closeIncoming(failed, failed.incomingPaymentId)
      return failed
    }
    const why = [
      isFailure(incoming)
        ? `the receiver's incoming payment could not be read (${incoming.message})`
        : `the receiver got ${formatMinorUnits(incoming.received, p.receiveAssetScale ?? p.assetScale)} of ${formatMinorUnits(expected, p.receiveAssetScale ?? p.assetScale)} ${p.receiveAssetCode ?? ''}`,
      isFailure(outgoing) ? `the escrow's outgoing payment could not be read (${outgoing.message})` : `the escrow wallet reports ${formatMinorUnits(sent ?? 0n, p.assetScale)} ${p.assetCode} sent`
    ].join('; ')
    return later(p, why, { sent, incoming })
  }

  /** Not settled yet: look again with backoff; past the deadline go to (or stay in) needs_review. */
  function later(p: PayoutRow, why: string, seen: { sent?: bigint | null; incoming?: IncomingState | Failure } = {}) {
    const { overdue, patch } = notSettledPatch(p, why, seen, { now: clock.now(), recheckMs: deps.config.reviewRecheckMs, baseBackoffMs: 200, maxBackoffMs: worker.maxBackoffMs })
    if (overdue && p.state !== 'needs_review') log.warn({ payoutId: p.id, why }, 'payout not settled by its deadline: needs review')
    return transitionPayout(deps, p.id, [p.state], patch)
  }

  return { settle, closeIncoming }
}
export type PayoutSettlement = ReturnType<typeof createPayoutSettlement>
