import { randomUUID } from 'node:crypto'
import { and, desc, eq, inArray, sql } from 'drizzle-orm'
import { formatMinorUnits, type Db, type Logger, type Tx } from '@voces/platform'
import { fundings, FINAL_FUNDING_STATES, OPEN_FUNDING_STATES, type Funding, type FundingState } from './model.ts'
import type { FundingError } from './errors.ts'
import { walletCallError, type PaymentsError } from '../payments-client/errors.ts'
import { jobs, type Job } from '../jobs/model.ts'
import type { User } from '../domain/user.ts'
import type { PaymentStatus, PaymentsClient, Result, StartedQuote } from '../payments-client/types.ts'
import type { PayoutService } from '../payouts/service.ts'
import { isUuid } from '../domain/ids.ts'
import { createFundingBudget } from './budget.ts'

const FUNDABLE: readonly Job['state'][] = ['recruiting', 'selecting', 'submitting', 'reviewing']
const CLOSED: readonly Job['state'][] = ['canceled', 'expired', 'complete']

/** Called in the transaction that recorded a payment's end without money (failed, rejected, expired). */
export type OnFundingEnded = (tx: Tx, funding: Funding) => Promise<void>

/**
 * Funding a job: the owner's wallet pays the marketplace escrow through the payments service.
 * A job counts as funded only by what the payments service reports as arrived, re-read by us —
 * never by a webhook payload or a browser redirect alone.
 */
export function createFundingService(deps: {
  db: Db
  payments: PaymentsClient
  payouts: PayoutService
  logger: Logger
  baseUrl: string
  onEnded?: OnFundingEnded
  /** Money arrived in escrow (whoever noticed it: the owner's page, a webhook, the scheduler): what everyone sees changed. */
  onFunded?: () => void
}) {
  const { budgetLeft, priceFeeReserve } = createFundingBudget(deps)

  /** Records a change unless the payment already ended; either way answers the row as it now is. */
  async function update(id: string, values: Partial<Funding>): Promise<Funding | undefined> {
    const row = await deps.db.transaction(async (tx) => {
      const [updated] = await tx
        .update(fundings)
        .set({ ...values, updatedAt: new Date() })
        .where(and(eq(fundings.id, id), sql`${fundings.state} not in ('completed', 'failed', 'rejected', 'expired')`))
        .returning()
      // The guard lets exactly one recording end the payment.
      if (updated && ['failed', 'rejected', 'expired'].includes(updated.state)) await deps.onEnded?.(tx, updated)
      return updated
    })
    // Someone else (a webhook, the scheduler) recorded the end first: theirs is the answer, not our stale copy.
    return row ?? current(id)
  }

  async function current(id: string): Promise<Funding | undefined> {
    const [row] = await deps.db.select().from(fundings).where(eq(fundings.id, id))
    return row
  }

  const returnUrl = (fundingId: string, jobId: string) => `${deps.baseUrl}/jobs/${jobId}/funding/${fundingId}/return`

  /** What the service's quote says, as columns: the fee is the service's figure (null across assets). */
  function quoted(q: StartedQuote): Partial<Funding> {
    const fee = q.quote.fee
    return {
      pendingId: q.pendingId,
      paymentUrl: q.paymentUrl,
      incomingPaymentId: q.incomingPaymentId,
      quoteId: q.quoteId,
      debitAmount: BigInt(q.quote.debitAmount.value),
      debitAssetCode: q.quote.debitAmount.assetCode,
      debitAssetScale: q.quote.debitAmount.assetScale,
      receiveAmount: BigInt(q.quote.receiveAmount.value),
      fee: fee && fee.assetCode === q.quote.debitAmount.assetCode && fee.assetScale === q.quote.debitAmount.assetScale ? BigInt(fee.value) : null,
      quoteExpiresAt: q.quote.expiresAt ? new Date(q.quote.expiresAt) : null,
      state: 'awaiting_consent'
    }
  }

  function quoteFailed(jobId: string, result: Extract<Result<unknown>, { ok: false }>): PaymentsError {
    deps.logger.warn({ jobId, reason: result.message }, 'quote failed')
    return walletCallError(result)
  }

  /**
   * "Try again" after the wallet reported a decline or a closed approval window: a new start for the
   * same payer, amount and job. The payments service ends the old payment (rejected or expired,
   * `superseded`) and starts a new one. The old row stays open here until the service says it ended,
   * so this call comes before the new row: the start is idempotent at the service (the same start
   * returns the same new payment), so a double click or a crash in between starts nothing twice, and the
   * next click or the scheduler's re-read finishes the bookkeeping.
   */
  async function tryAgain(old: Funding): Promise<Funding | PaymentsError | 'funding_in_progress'> {
    // The new row's id is chosen now, so the wallet brings the browser back to it.
    const id = randomUUID()
    const result = await deps.payments.startQuote({
      offerId: old.jobId,
      buyerWalletAddressUrl: old.payerWallet,
      amount: formatMinorUnits(old.requested, old.assetScale),
      returnUrl: returnUrl(id, old.jobId)
    })
    if (!result.ok) return quoteFailed(old.jobId, result)
    const q = result.value
    if (q.pendingId === old.pendingId) return old
    const ended = await refresh(old)
    if (!FINAL_FUNDING_STATES.includes(ended.state)) return ended
    const [row] = await deps.db
      .insert(fundings)
      .values({ id, jobId: old.jobId, payerId: old.payerId, payerWallet: old.payerWallet, requested: old.requested, payoutFeeReserve: old.payoutFeeReserve, assetCode: old.assetCode, assetScale: old.assetScale, ...quoted(q) })
      .onConflictDoNothing()
      .returning()
    if (row) return row
    // A second click got the same new payment from the service: the first click's row holds it.
    const [same] = await deps.db.select().from(fundings).where(eq(fundings.pendingId, q.pendingId))
    return same ?? 'funding_in_progress'
  }

  /** Re-reads a payment's status from the payments service and records it. */
  async function refresh(funding: Funding): Promise<Funding> {
    if (!funding.pendingId || FINAL_FUNDING_STATES.includes(funding.state)) return funding
    const result = await deps.payments.getPaymentStatus(funding.pendingId)
    if (!result.ok) {
      if (result.error === 'not_found') return (await update(funding.id, { state: 'failed', failureCode: 'unknown_payment', failureReason: 'unknown to the payments service' })) ?? funding
      return funding
    }
    return record(funding, result.value)
  }

  /** Records what the payments service reports about a payment; money counts only once `completed`. */
  async function record(funding: Funding, remote: PaymentStatus): Promise<Funding> {
    const status = remote.status
    const walletResult = remote.walletResult ?? null
    if (status === funding.state && walletResult === funding.walletResult && (remote.failureReason ?? null) === funding.failureReason) return funding
    if (status === 'completed') {
      const r = remote.receivedAmount
      // An amount in another asset or scale is not this job's money: never counted as funded.
      if (r && (r.assetCode !== funding.assetCode || r.assetScale !== funding.assetScale)) {
        const reason = `asset_mismatch: received ${r.value} ${r.assetCode}/${r.assetScale}, expected ${funding.assetCode}/${funding.assetScale}`
        deps.logger.error({ fundingId: funding.id, jobId: funding.jobId, received: r }, 'funding arrived in another asset')
        return (await update(funding.id, { state: 'failed', failureCode: 'asset_mismatch', failureReason: reason })) ?? funding
      }
      const received = r ? BigInt(r.value) : (funding.receiveAmount ?? 0n)
      const done = await deps.db.transaction(async (tx) => {
        const [job] = await tx.select().from(jobs).where(eq(jobs.id, funding.jobId)).for('update')
        const [row] = await tx
          .update(fundings)
          .set({ state: 'completed', received, walletResult, failureReason: null, updatedAt: new Date() })
          .where(and(eq(fundings.id, funding.id), sql`${fundings.state} <> 'completed'`))
          .returning()
        // Money that arrives for a job already closed goes straight back.
        if (row && job && CLOSED.includes(job.state)) await deps.payouts.scheduleRefund(tx, job)
        return row
      })
      if (done) deps.onFunded?.()
      return done ?? (await current(funding.id)) ?? funding
    }
    const state: FundingState = status
    return (await update(funding.id, { state, walletResult, failureCode: remote.failureCode ?? null, failureReason: remote.failureReason ?? null })) ?? funding
  }

  return {
    budgetLeft,

    /**
     * Asks the payments service for a quote on the owner's wallet. The intent row is written first, so a
     * failure is recorded rather than lost; the partial unique index stops a second payment in flight.
     * An open payment the wallet reported on (declined, approval window closed) is tried again instead.
     */
    async start(owner: User, job: Job): Promise<Funding | FundingError | PaymentsError | 'not_found' | 'invalid_state'> {
      if (job.ownerId !== owner.id) return 'not_found'
      if (!FUNDABLE.includes(job.state)) return 'invalid_state'
      if (!owner.walletAddress) return 'no_wallet'
      const open = await this.openFor(job.id)
      if (open?.state === 'awaiting_consent' && open.walletResult) return tryAgain(open)
      if (open) return open
      const priced = await priceFeeReserve(job)
      if (typeof priced === 'string') return priced
      const { total: amount, reserve } = await budgetLeft(priced)
      if (amount <= 0n) return 'already_funded'
      const [intent] = await deps.db
        .insert(fundings)
        .values({
          jobId: job.id,
          payerId: owner.id,
          payerWallet: owner.walletAddress,
          requested: amount,
          payoutFeeReserve: reserve,
          assetCode: job.assetCode,
          assetScale: job.assetScale
        })
        .onConflictDoNothing()
        .returning()
      if (!intent) return 'funding_in_progress'
      const result = await deps.payments.startQuote({
        offerId: job.id,
        buyerWalletAddressUrl: owner.walletAddress,
        amount: formatMinorUnits(amount, job.assetScale),
        returnUrl: returnUrl(intent.id, job.id)
      })
      if (!result.ok) {
        await update(intent.id, { state: 'failed', failureCode: result.error, failureReason: `${result.error}: ${result.message}`.slice(0, 500) })
        return quoteFailed(job.id, result)
      }
      const [row] = await deps.db
        .update(fundings)
        .set({ ...quoted(result.value), updatedAt: new Date() })
        .where(eq(fundings.id, intent.id))
        .returning()
      return row!
    },

    refresh,

    /**
     * Operators: the payments service checks the wallets at once (e.g. for a payment in needs_review)
     * and settles it if it can; the answer is recorded like any re-read.
     */
    async reconcile(funding: Funding): Promise<Funding | 'not_found' | 'payments_unavailable'> {
      if (!funding.pendingId) return 'not_found'
      const result = await deps.payments.reconcilePayment(funding.pendingId)
      if (!result.ok) return result.error === 'not_found' ? 'not_found' : 'payments_unavailable'
      return record(funding, result.value)
    },

    async refreshByPendingId(pendingId: string): Promise<void> {
      const [row] = await deps.db.select().from(fundings).where(eq(fundings.pendingId, pendingId))
      if (row) await this.refresh(row)
    },

    /** Scheduler task: re-read payments still open (webhooks can be lost); expire stale quotes. */
    async refreshOpen(): Promise<void> {
      const open = await deps.db
        .select()
        .from(fundings)
        .where(inArray(fundings.state, ['awaiting_consent', 'paying', 'needs_review', 'unknown']))
        .limit(20)
      for (const f of open) await this.refresh(f)
      // An intent whose quote call never answered (a crash mid-call) is closed after ten minutes.
      await deps.db
        .update(fundings)
        .set({ state: 'failed', failureCode: 'unreachable', failureReason: 'no answer from the payments service', updatedAt: new Date() })
        .where(and(eq(fundings.state, 'starting'), sql`${fundings.createdAt} < now() - interval '10 minutes'`))
    },

    async openFor(jobId: string): Promise<Funding | null> {
      const [row] = await deps.db
        .select()
        .from(fundings)
        .where(and(eq(fundings.jobId, jobId), inArray(fundings.state, [...OPEN_FUNDING_STATES])))
      return row ?? null
    },

    async get(viewer: User, jobId: string, fundingId: string): Promise<Funding | 'not_found'> {
      if (!isUuid(fundingId) || !isUuid(jobId)) return 'not_found'
      const [row] = await deps.db.select().from(fundings).where(and(eq(fundings.id, fundingId), eq(fundings.jobId, jobId)))
      if (!row || (row.payerId !== viewer.id && !viewer.isAdmin)) return 'not_found'
      return row
    },

    history(jobId: string): Promise<Funding[]> {
      return deps.db.select().from(fundings).where(eq(fundings.jobId, jobId)).orderBy(desc(fundings.createdAt))
    },

    /** A person's payments into escrow, newest first, with their job's title (My money). */
    listForPayer(userId: string): Promise<{ funding: Funding; title: string }[]> {
      return deps.db
        .select({ funding: fundings, title: jobs.title })
        .from(fundings)
        .innerJoin(jobs, eq(jobs.id, fundings.jobId))
        .where(eq(fundings.payerId, userId))
        .orderBy(desc(fundings.createdAt))
    }
  }
}

export type FundingService = ReturnType<typeof createFundingService>
export type { FundingState }
