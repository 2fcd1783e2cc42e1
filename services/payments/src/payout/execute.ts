import { eq, sql } from 'drizzle-orm'
import { queryRows } from '@voces/platform'
import { fail, isFailure, isWalletFailure, type Failure } from '../errors.ts'
import { findOutgoingPaymentByQuote } from '../open-payments/find-outgoing.ts'
import { backoffMs } from '../worker/poller.ts'
import type { PayoutDeps } from './deps.ts'
import { activePayoutGrant, rotatePayoutToken } from './grant.ts'
import { payouts, type PayoutGrantRow, type PayoutRow, type PayoutState } from './model.ts'
import { payoutEventData } from './view.ts'

type PayoutPatch = Partial<Omit<typeof payouts.$inferInsert, 'id'>>

/** Applies a patch under a row lock if the payout is still in `from`; final states write their webhook event. */
export async function transitionPayout(deps: PayoutDeps, id: string, from: PayoutState[], patch: PayoutPatch): Promise<PayoutRow | undefined> {
  return deps.db.transaction(async (tx) => {
    const [current] = await tx.select().from(payouts).where(eq(payouts.id, id)).for('update')
    if (!current || !from.includes(current.state)) return undefined
    const [updated] = await tx.update(payouts).set({ ...patch, updatedAt: new Date() }).where(eq(payouts.id, id)).returning()
    if (patch.state && patch.state !== current.state && (patch.state === 'completed' || patch.state === 'failed')) {
      await deps.webhooks.enqueue(tx, patch.state === 'completed' ? 'payout.completed' : 'payout.failed', payoutEventData(updated!))
    }
    return updated
  })
}

export async function claimDuePayouts(deps: PayoutDeps, limit: number): Promise<PayoutRow[]> {
  const claimed = await deps.db.transaction((tx) =>
    queryRows<{ id: string }>(
      tx,
      sql`update payments.payouts set next_attempt_at = now() + (${deps.config.worker.leaseMs} * interval '1 millisecond')
          where id in (select id from payments.payouts where state in ('pending', 'sending') and next_attempt_at <= now()
                       order by next_attempt_at limit ${limit} for update skip locked)
          returning id`
    )
  )
  if (!claimed.length) return []
  return deps.db.select().from(payouts).where(sql`${payouts.id} in (${sql.join(claimed.map((c) => sql`${c.id}`), sql`, `)})`)
}

/**
 * The payout steps. `pending`: incoming payment on the receiver's wallet, a fixed-send quote on
 * the escrow wallet, and the outgoing payment under the standing grant. Before creating it the
 * attempt is recorded, so a retry after a lost answer finds the payment instead of paying twice.
 * `sending`: follow the outgoing payment to completed or failed.
 */
export function createPayoutSteps(deps: PayoutDeps) {
  const log = deps.logger.child({ component: 'payouts' })
  const { worker } = deps.config

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
        nextAttemptAt: new Date(Date.now() + backoffMs(p.attempts, worker.baseBackoffMs, worker.maxBackoffMs))
      })
    }
    return transitionPayout(deps, p.id, [p.state], { state: 'failed', failureCode: failure.failure, failureMessage: failure.message, nextAttemptAt: null })
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
      const incoming = await deps.openPayments.withToken(seller, { authServer: receiver.authServer, access: 'incoming-payment' }, 'incoming_payment', (client, accessToken) =>
        client.incomingPayment.create({ url: receiver.resourceServer, accessToken }, { walletAddress: receiver.id, metadata: { reference: p.reference, payoutId: p.id } })
      )
      if (isFailure(incoming)) return stepFailed(p, incoming)
      const quote = await deps.openPayments.withToken(seller, { authServer: wallet.authServer, access: 'quote' }, 'quote', (client, accessToken) =>
        client.quote.create(
          { url: wallet.resourceServer, accessToken },
          { walletAddress: wallet.id, receiver: incoming.id, method: 'ilp', debitAmount: { value: p.amountValue.toString(), assetCode: p.assetCode, assetScale: p.assetScale } }
        )
      )
      if (isFailure(quote)) return stepFailed(p, quote)
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
      attempts: 0,
      failureMessage: null,
      nextAttemptAt: new Date(Date.now() + 200)
    })
  }

  /** A sent payout ends only by the wallet's word on its outgoing payment; until then it is followed. */
  async function follow(p: PayoutRow): Promise<PayoutRow | undefined> {
    const later = () =>
      transitionPayout(deps, p.id, ['sending'], {
        attempts: p.attempts + 1,
        nextAttemptAt: new Date(Date.now() + backoffMs(p.attempts, 200, worker.maxBackoffMs))
      })
    const seller = await deps.sellers.get(p.sellerId)
    if (isFailure(seller)) return later()
    // Any usable token of the escrow's grants can read the payment; none (escrow being reconnected) waits.
    const grant = await activePayoutGrant(deps, p.sellerId)
    if (isFailure(grant)) return later()
    const outgoing = await deps.openPayments.call(seller, 'outgoing_payment_status', (client) =>
      client.outgoingPayment.get({ url: p.outgoingPaymentId!, accessToken: grant.accessToken! })
    )
    if (isFailure(outgoing)) return later()
    const sent = BigInt(outgoing.sentAmount.value)
    if (outgoing.failed) {
      return transitionPayout(deps, p.id, ['sending'], {
        state: 'failed',
        sentValue: sent,
        failureCode: 'payment_failed',
        failureMessage: 'The escrow wallet could not send the payout (for example, not enough funds)',
        nextAttemptAt: null
      })
    }
    if (sent >= BigInt(outgoing.debitAmount.value)) {
      return transitionPayout(deps, p.id, ['sending'], { state: 'completed', sentValue: sent, completedAt: new Date(), failureMessage: null, nextAttemptAt: null })
    }
    return later()
  }

  return {
    advance(p: PayoutRow) {
      return p.state === 'pending' ? send(p) : p.state === 'sending' ? follow(p) : Promise.resolve(p)
    }
  }
}
