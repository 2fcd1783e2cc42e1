import { backoffMs } from '@voces/platform'
import { fail, isFailure, isWalletFailure, type Failure } from '../errors.ts'
import { findOutgoingPaymentByQuote } from '../open-payments/find-outgoing.ts'
import type { PayoutDeps } from './deps.ts'
import type { PayoutGrantRow, PayoutRow } from './model.ts'
import { createPayoutSettlement } from './settle.ts'
import { activePayoutGrant, rotatePayoutToken } from './standing-grant.ts'
import { transitionPayout } from './store.ts'

/** How long the receiver's incoming payment stays open: a payout that stalls still credits its owner then. */
const PAYOUT_INCOMING_TTL_MS = 24 * 60 * 60_000

/**
 * The payout steps. `pending`: incoming payment on the receiver's wallet, a fixed-receive (or
 * fixed-send) quote on the escrow wallet, and the outgoing payment under the standing grant. Before creating it the
 * attempt is recorded, so a retry after a lost answer finds the payment instead of paying twice.
 * `sending` / `needs_review`: settled from the receiver's incoming payment (settle.ts).
 */
export function createPayoutSteps(deps: PayoutDeps) {
  const log = deps.logger.child({ component: 'payouts' })
  const { worker } = deps.config
  const { clock } = deps
  const { settle, closeIncoming } = createPayoutSettlement(deps)

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
    if (!p.quoteId || !p.quoteExpiresAt || p.quoteExpiresAt.getTime() < clock.now().getTime() + 1000) {
      const receiver = await deps.openPayments.walletAddress(p.receiverWalletAddressUrl, 'receiver_wallet_address')
      if (isFailure(receiver)) return stepFailed(p, receiver)
      // Fixed receive (the receiver gets exactly the amount, the fee is added to what leaves escrow)
      // needs the receiver's wallet in the escrow's asset; otherwise, and for fixed send, only the
      // quote knows what arrives, so the incoming payment has no amount. Either way the payout
      // completes the incoming payment once paid, so that its owner is credited at once, and it
      // expires on its own if the payout stalls.
      const amount = { value: p.amountValue.toString(), assetCode: p.assetCode, assetScale: p.assetScale }
      const exact = p.fixed === 'receive' && receiver.assetCode === p.assetCode && receiver.assetScale === p.assetScale
      const incoming = await deps.openPayments.withToken(seller, { authServer: receiver.authServer, access: 'incoming-payment' }, 'incoming_payment', (client, accessToken) =>
        client.incomingPayment.create(
          { url: receiver.resourceServer, accessToken },
          {
            walletAddress: receiver.id,
            ...(exact ? { incomingAmount: amount } : {}),
            expiresAt: new Date(clock.now().getTime() + PAYOUT_INCOMING_TTL_MS).toISOString(),
            metadata: { reference: p.reference, payoutId: p.id }
          }
        )
      )
      if (isFailure(incoming)) return stepFailed(p, incoming)
      const quote = await deps.openPayments.withToken(seller, { authServer: wallet.authServer, access: 'quote' }, 'quote', (client, accessToken) =>
        client.quote.create(
          { url: wallet.resourceServer, accessToken },
          { walletAddress: wallet.id, receiver: incoming.id, method: 'ilp', ...(exact ? { receiveAmount: amount } : { debitAmount: amount }) }
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
        debitValue: BigInt(quote.debitAmount.value),
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
    if (isWalletFailure(outgoing) && (outgoing.status === 401 || outgoing.status === 403)) {
      // The standing grant's token lapsed early (401, or 403 "Inactive Token" on Rafiki; a 403 may
      // also be the grant's limit): rotate it and try once more; a second 403 is the limit.
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

  return {
    advance(p: PayoutRow) {
      return p.state === 'pending' ? send(p) : p.state === 'sending' || p.state === 'needs_review' ? settle(p) : Promise.resolve(p)
    },
    settle
  }
}
