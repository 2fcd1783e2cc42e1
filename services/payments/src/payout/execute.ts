import { sql } from 'drizzle-orm'
import { backoffMs, claimDue, formatMinorUnits, transitionIf } from '@voces/platform'
import { fail, isFailure, isWalletFailure, type Failure } from '../errors.ts'
import { findOutgoingPaymentByQuote } from '../open-payments/find-outgoing.ts'
import { completeIncomingPayment, readIncomingPayment, type IncomingState } from '../open-payments/incoming.ts'
import type { WebhookEventType } from '../webhook/model.ts'
import type { PayoutDeps } from './deps.ts'
import { activePayoutGrant, rotatePayoutToken } from './grant.ts'
import { payouts, type PayoutGrantRow, type PayoutRow, type PayoutState } from './model.ts'
import { payoutEventData } from './view.ts'

type PayoutPatch = Partial<Omit<typeof payouts.$inferInsert, 'id'>>

const payoutEvents: Partial<Record<PayoutState, WebhookEventType>> = { completed: 'payout.completed', failed: 'payout.failed', needs_review: 'payout.needs_review' }

/** How long the receiver's incoming payment stays open: a payout that stalls still credits its owner then. */
const PAYOUT_INCOMING_TTL_MS = 24 * 60 * 60_000

/** Applies a patch under a row lock if the payout is still in `from`; a state change writes its webhook event. */
export function transitionPayout(deps: PayoutDeps, id: string, from: PayoutState[], patch: PayoutPatch): Promise<PayoutRow | undefined> {
  return transitionIf(deps.db, payouts, id, (current) => from.includes(current.state), { ...patch, updatedAt: new Date() }, async (tx, before, updated) => {
    const event = patch.state && patch.state !== before.state ? payoutEvents[patch.state] : undefined
    if (event) await deps.webhooks.enqueue(tx, event, payoutEventData(updated))
  })
}

export function claimDuePayouts(deps: PayoutDeps, limit: number): Promise<PayoutRow[]> {
  return claimDue(deps.db, payouts, { ready: sql`state in ('pending', 'sending', 'needs_review')`, limit, leaseMs: deps.config.worker.leaseMs, now: deps.clock.now() })
}

/**
 * The payout steps. `pending`: incoming payment on the receiver's wallet, a fixed-send quote on
 * the escrow wallet, and the outgoing payment under the standing grant. Before creating it the
 * attempt is recorded, so a retry after a lost answer finds the payment instead of paying twice.
 * `sending` / `needs_review`: settle from the receiver's incoming payment (see `settle`).
 */
export function createPayoutSteps(deps: PayoutDeps) {
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
   * A step failed. Before any create could have reached the wallet, transient failures are retried
   * and others end the payout (nothing moved). Once a create may have reached it, only the wallet's
   * own refusal of that create ends the payout: anything else (no grant, a lost answer, a list that
   * could not be read) waits with backoff, or a Retry from the marketplace could pay twice.
   */
  async function stepFailed(p: PayoutRow, failure: Failure, options: { refusedCreate?: boolean } = {}): Promise<PayoutRow | undefined> {
    // A 401 in the background is retried: the SDK's HTTP client can resend a request without its
    // signature after a lost connection, and nothing moves without a successful create.
    const transient = isWalletFailure(failure) && (failure.transient || failure.status === 401)
    const mayHaveMoved = p.createAttemptedAt !== null || p.outgoingPaymentId !== null
    const attempts = p.attempts + 1
    const retry = mayHaveMoved ? !(options.refusedCreate && !transient) : transient && attempts < worker.maxAttempts
    log.warn({ payoutId: p.id, reference: p.reference, step: failure.step, code: failure.failure, transient, mayHaveMoved, attempts, reason: failure.message }, 'payout step failed')
    if (retry) {
      return transitionPayout(deps, p.id, [p.state], {
        attempts,
        failureMessage: failure.message,
        nextAttemptAt: new Date(clock.now().getTime() + backoffMs(p.attempts, worker.baseBackoffMs, worker.maxBackoffMs))
      })
    }
    const failed = await transitionPayout(deps, p.id, [p.state], { state: 'failed', failureCode: failure.failure, failureMessage: failure.message, nextAttemptAt: null })
    if (failed) await closeIncoming(failed, failed.incomingPaymentId)
    return failed
  }

  async function send(p: PayoutRow): Promise<PayoutRow | undefined> {
    const seller = await deps.sellers.get(p.sellerId)
    if (isFailure(seller)) return stepFailed(p, seller)
    let grant = await activePayoutGrant(deps, p.sellerId)
    if (isFailure(grant)) return stepFailed(p, grant)
    const wallet = await deps.openPayments.walletAddress(seller.walletAddressUrl, 'seller_wallet_address')
    if (isFailure(wallet)) return stepFailed(p, wallet)

    if (p.createAttemptedAt && p.quoteId) {
      const found = await findOutgoingPaymentByQuote(deps.openPayments, seller, {
        resourceServer: wallet.resourceServer,
        walletAddress: grant.walletAddressId,
        accessToken: grant.accessToken!,
        quoteId: p.quoteId
      })
      if (isFailure(found)) return stepFailed(p, found)
      if (found) return recordSending(p, found)
    }
    if (!p.quoteId || !p.quoteExpiresAt || p.quoteExpiresAt.getTime() < Date.now() + 1000) {
      const receiver = await deps.openPayments.walletAddress(p.receiverWalletAddressUrl, 'receiver_wallet_address')
      if (isFailure(receiver)) return stepFailed(p, receiver)
      // The amount the receiver gets is known only from the quote (fixed-send, maybe in another
      // asset), so the incoming payment has none: the payout completes it once paid, so that its
      // owner is credited at once, and it expires on its own if the payout stalls.
      const incoming = await deps.openPayments.withToken(seller, { authServer: receiver.authServer, access: 'incoming-payment' }, 'incoming_payment', (client, accessToken) =>
        client.incomingPayment.create(
          { url: receiver.resourceServer, accessToken },
          {
            walletAddress: receiver.id,
            expiresAt: new Date(clock.now().getTime() + PAYOUT_INCOMING_TTL_MS).toISOString(),
            metadata: { reference: p.reference, payoutId: p.id }
          }
        )
      )
      if (isFailure(incoming)) return stepFailed(p, incoming)
      const quote = await deps.openPayments.withToken(seller, { authServer: wallet.authServer, access: 'quote' }, 'quote', (client, accessToken) =>
        client.quote.create(
          { url: wallet.resourceServer, accessToken },
          { walletAddress: wallet.id, receiver: incoming.id, method: 'ilp', debitAmount: { value: p.amountValue.toString(), assetCode: p.assetCode, assetScale: p.assetScale } }
        )
      )
      if (isFailure(quote)) {
        await closeIncoming(p, incoming.id)
        return stepFailed(p, quote)
      }
      const replaced = p.incomingPaymentId
      const quoted = await transitionPayout(deps, p.id, ['pending'], {
        grantId: grant.id,
        incomingPaymentId: incoming.id,
        quoteId: quote.id,
        quoteExpiresAt: quote.expiresAt ? new Date(quote.expiresAt) : null,
        receiveValue: BigInt(quote.receiveAmount.value),
        receiveAssetCode: quote.receiveAmount.assetCode,
        receiveAssetScale: quote.receiveAmount.assetScale,
        createAttemptedAt: null
      })
      if (!quoted) return undefined
      // A quote that expired before it was used leaves its incoming payment unused: close it.
      if (replaced) await closeIncoming(quoted, replaced)
      p = quoted
    }
    const marked = await transitionPayout(deps, p.id, ['pending'], { createAttemptedAt: new Date() })
    if (!marked) return undefined
    const create = (g: PayoutGrantRow) =>
      deps.openPayments.call(seller, 'outgoing_payment', (client) =>
        client.outgoingPayment.create({ url: wallet.resourceServer, accessToken: g.accessToken! }, { walletAddress: wallet.id, quoteId: p.quoteId!, metadata: { reference: p.reference } })
      )
    let outgoing = await create(grant)
    if (isWalletFailure(outgoing) && outgoing.status === 401) {
      // The standing grant's token lapsed early: rotate it and try once more.
      const rotated = await rotatePayoutToken(deps, grant)
      if (isFailure(rotated)) return stepFailed(marked, rotated)
      grant = rotated
      outgoing = await create(grant)
    }
    if (isWalletFailure(outgoing) && outgoing.status === 403) {
      const refused = fail(outgoing.failure, `The escrow wallet's payout grant does not cover this payout (limit used up or expired): ${outgoing.message}`, { step: 'outgoing_payment' })
      return stepFailed(marked, refused, { refusedCreate: true })
    }
    if (isFailure(outgoing)) return stepFailed(marked, outgoing, { refusedCreate: isWalletFailure(outgoing) })
    return recordSending(marked, outgoing)
  }

  function recordSending(p: PayoutRow, o: { id: string; sentAmount: { value: string } }) {
    log.info({ payoutId: p.id, reference: p.reference, outgoingPaymentId: o.id }, 'payout outgoing payment created')
    return transitionPayout(deps, p.id, ['pending'], {
      state: 'sending',
      outgoingPaymentId: o.id,
      sentValue: BigInt(o.sentAmount.value),
      settleBy: new Date(clock.now().getTime() + deps.config.settlementDeadlineMs),
      attempts: 0,
      failureMessage: null,
      nextAttemptAt: new Date(clock.now().getTime() + 200)
    })
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
    // Any usable token of the escrow's grants can read the outgoing payment; without one, the
    // incoming payment alone still tells whether the money arrived.
    const grant = await activePayoutGrant(deps, p.sellerId)
    const outgoing = isFailure(grant)
      ? grant
      : await deps.openPayments.call(seller, 'outgoing_payment_status', (client) => client.outgoingPayment.get({ url: p.outgoingPaymentId!, accessToken: grant.accessToken! }))
    const sent = isFailure(outgoing) ? p.sentValue : BigInt(outgoing.sentAmount.value)
    const incoming = await readIncomingPayment(deps.openPayments, seller, incomingRef(p), now)
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
    const now = clock.now()
    const received = seen.incoming && !isFailure(seen.incoming) ? seen.incoming.received : p.receivedValue
    const overdue = p.settleBy !== null && p.settleBy.getTime() <= now.getTime()
    if (overdue || p.state === 'needs_review') {
      if (p.state !== 'needs_review') log.warn({ payoutId: p.id, why }, 'payout not settled by its deadline: needs review')
      return transitionPayout(deps, p.id, [p.state], {
        state: 'needs_review',
        attempts: p.attempts + 1,
        sentValue: seen.sent ?? p.sentValue,
        receivedValue: received,
        failureMessage: `Not settled by ${p.settleBy?.toISOString() ?? 'its deadline'}: ${why}`,
        nextAttemptAt: new Date(now.getTime() + deps.config.reviewRecheckMs)
      })
    }
    return transitionPayout(deps, p.id, [p.state], {
      attempts: p.attempts + 1,
      sentValue: seen.sent ?? p.sentValue,
      receivedValue: received,
      nextAttemptAt: new Date(now.getTime() + backoffMs(p.attempts, 200, worker.maxBackoffMs))
    })
  }

  return {
    advance(p: PayoutRow) {
      return p.state === 'pending' ? send(p) : p.state === 'sending' || p.state === 'needs_review' ? settle(p) : Promise.resolve(p)
    },
    settle
  }
}
