import type { OutgoingPayment } from '@interledger/open-payments'
import { formatMinorUnits } from '@voces/platform'
import { isFailure, isWalletFailure, type Failure } from '../errors.ts'
import type { ClientIdentity } from '../open-payments/client.ts'
import { readIncomingPayment, type IncomingState } from '../open-payments/incoming.ts'
import { notSettledPatch } from '../open-payments/not-settled.ts'
import type { PaymentDeps } from './deps.ts'
import type { PaymentRow } from './model.ts'

/** How soon to look at a sending payment again: it settles in a moment on most wallets. */
export const FIRST_STATUS_CHECK_MS = 200

/**
 * Settles a sent payment from the money itself. It is complete when the escrow's incoming payment
 * (ours, readable with our own grant) has received what the quote promised; it failed when the
 * buyer's wallet marks its outgoing payment failed, or when the incoming payment closed with nothing
 * in it. `sentAmount` is only shown: a wallet that charges a fee never sends the whole debit amount.
 * Past its deadline an unsettled payment goes to `needs_review` and is still checked, more slowly.
 */
export function createPaymentSettlement(deps: PaymentDeps) {
  const { store, config, clock } = deps
  const log = deps.logger.child({ component: 'payments' })
  const settling = ['sending', 'needs_review'] as const

  /** The buyer's outgoing payment, for its `failed` flag and `sentAmount`. Never rotates a dead token twice. */
  async function readOutgoing(p: PaymentRow, identity: ClientIdentity): Promise<{ p: PaymentRow; outgoing?: OutgoingPayment; problem?: string } | undefined> {
    if (!p.outgoingPaymentId || !p.accessToken) return { p, problem: 'the buyer wallet grant is no longer usable' }
    const get = (token: string) =>
      deps.openPayments.call(identity, 'outgoing_payment_status', (client) => client.outgoingPayment.get({ url: p.outgoingPaymentId!, accessToken: token }))
    let outgoing = await get(p.accessToken)
    // An expired or revoked token: 401, or 403 "Inactive Token" on Rafiki.
    if (isWalletFailure(outgoing) && (outgoing.status === 401 || outgoing.status === 403) && p.manageUrl) {
      const rotated = await deps.openPayments.call(identity, 'token_rotation', (client) => client.token.rotate({ url: p.manageUrl!, accessToken: p.accessToken! }))
      if (isFailure(rotated)) {
        if (isWalletFailure(rotated) && rotated.transient) return { p, problem: rotated.message }
        // The old token is dead (a rotation whose answer was lost revoked it): stop using it. The
        // escrow's incoming payment still tells whether the money arrived.
        log.warn({ pendingId: p.id, reason: rotated.message }, 'buyer grant token cannot be renewed; settling from the incoming payment alone')
        const dropped = await store.transition(p.id, [...settling], { accessToken: null, manageUrl: null })
        return dropped ? { p: dropped, problem: rotated.message } : undefined
      }
      const updated = await store.transition(p.id, [...settling], { accessToken: rotated.access_token.value, manageUrl: rotated.access_token.manage })
      if (!updated) return undefined
      p = updated
      outgoing = await get(p.accessToken!)
    }
    return isFailure(outgoing) ? { p, problem: outgoing.message } : { p, outgoing }
  }

  async function settle(p: PaymentRow): Promise<PaymentRow | undefined> {
    const now = clock.now()
    const identity = await deps.sellers.get(p.sellerId)
    if (isFailure(identity)) return later(p, identity.message)
    // The escrow's incoming payment before the outgoing one: a wallet that settles between the two reads then
    // shows what it sent too. In the other order a payment could complete with the sentAmount read before it.
    const incoming = await readIncomingPayment(deps.openPayments, identity, { walletAddressUrl: identity.walletAddressUrl, incomingPaymentUrl: p.incomingPaymentId! }, now)
    const read = await readOutgoing(p, identity)
    if (!read) return undefined
    p = read.p
    const sent = read.outgoing ? BigInt(read.outgoing.sentAmount.value) : p.sentValue
    const expected = p.receiveValue ?? p.amountValue

    if (!isFailure(incoming) && incoming.received >= expected) {
      log.info({ pendingId: p.id, received: incoming.received.toString() }, 'payment arrived in escrow')
      return store.transition(p.id, [...settling], { state: 'completed', sentValue: sent, receivedValue: incoming.received, completedAt: now, failureCode: null, failureMessage: null, nextAttemptAt: null })
    }
    if (read.outgoing?.failed || (!isFailure(incoming) && incoming.closed && incoming.received === 0n)) {
      return store.transition(p.id, [...settling], {
        state: 'failed',
        sentValue: sent,
        receivedValue: isFailure(incoming) ? p.receivedValue : incoming.received,
        failureCode: 'payment_failed',
        failureMessage: read.outgoing?.failed
          ? "The buyer's wallet could not send the payment (for example, not enough funds)"
          : "Nothing arrived before the escrow's incoming payment closed",
        nextAttemptAt: null
      })
    }
    return later(p, evidence(p, incoming, sent, read.problem), { sent, incoming })
  }

  /** Not settled yet: look again with backoff, and past the deadline go to (or stay in) needs_review. */
  function later(p: PaymentRow, why: string, seen: { sent?: bigint | null; incoming?: IncomingState | Failure } = {}) {
    const { overdue, patch } = notSettledPatch(p, why, seen, {
      now: clock.now(),
      recheckMs: config.reviewRecheckMs,
      baseBackoffMs: Math.max(FIRST_STATUS_CHECK_MS, config.worker.baseBackoffMs / 2),
      maxBackoffMs: config.worker.maxBackoffMs
    })
    if (overdue && p.state !== 'needs_review') log.warn({ pendingId: p.id, why }, 'payment not settled by its deadline: needs review')
    return store.transition(p.id, [p.state], patch)
  }

  function evidence(p: PaymentRow, incoming: IncomingState | Failure, sent: bigint | null, problem: string | undefined): string {
    const money = (v: bigint | null) => (v === null ? '?' : formatMinorUnits(v, p.assetScale))
    const parts = [
      isFailure(incoming)
        ? `the escrow's incoming payment could not be read (${incoming.message})`
        : `escrow received ${money(incoming.received)} of ${money(p.receiveValue ?? p.amountValue)} ${p.assetCode}${incoming.closed ? ' and its incoming payment is closed' : ''}`,
      problem
        ? `the buyer's outgoing payment could not be read (${problem})`
        : `the buyer's wallet reports ${sent === null || p.debitAssetScale === null ? '?' : formatMinorUnits(sent, p.debitAssetScale)} ${p.debitAssetCode ?? ''} sent`
    ]
    return parts.join('; ')
  }

  return { settle }
}
export type PaymentSettlement = ReturnType<typeof createPaymentSettlement>
