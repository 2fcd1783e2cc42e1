import { and, desc, eq, inArray, sql } from 'drizzle-orm'
import { formatMinorUnits, type Db, type Logger } from '@voces/platform'
import { fundings, FINAL_FUNDING_STATES, type Funding, type FundingState } from './model.ts'
import type { FundingError } from './errors.ts'
import { jobs, type Job } from '../jobs/model.ts'
import type { User } from '../users/model.ts'
import type { PaymentsClient, RemotePaymentStatus } from '../payments-client/types.ts'
import type { PayoutService } from '../payouts/service.ts'
import { isUuid } from '../media/service.ts'

const FUNDABLE: readonly Job['state'][] = ['recruiting', 'selecting', 'submitting', 'reviewing']
const CLOSED: readonly Job['state'][] = ['canceled', 'expired', 'complete']

/**
 * Funding a job: the owner's wallet pays the marketplace escrow through the payments service.
 * A job counts as funded only by what the payments service reports as arrived, re-read by us —
 * never by a webhook payload or a browser redirect alone.
 */
export function createFundingService(deps: { db: Db; payments: PaymentsClient; payouts: PayoutService; logger: Logger; baseUrl: string }) {
  async function budgetLeft(job: Job): Promise<bigint> {
    const l = await deps.payouts.ledger(job)
    return job.amountPerPerson * BigInt(job.maxResponses) - l.funded
  }

  async function update(id: string, values: Partial<Funding>): Promise<Funding | undefined> {
    const [row] = await deps.db
      .update(fundings)
      .set({ ...values, updatedAt: new Date() })
      .where(and(eq(fundings.id, id), sql`${fundings.state} not in ('completed', 'failed', 'rejected', 'expired')`))
      .returning()
    return row
  }

  return {
    budgetLeft,

    /**
     * Asks the payments service for a quote on the owner's wallet. The intent row is written first, so a
     * failure is recorded rather than lost; the partial unique index stops a second payment in flight.
     */
    async start(owner: User, job: Job): Promise<Funding | FundingError | 'wallet_unreachable' | 'not_found' | 'invalid_state'> {
      if (job.ownerId !== owner.id) return 'not_found'
      if (!FUNDABLE.includes(job.state)) return 'invalid_state'
      if (!owner.walletAddress) return 'no_wallet'
      const open = await this.openFor(job.id)
      if (open) return open
      const amount = await budgetLeft(job)
      if (amount <= 0n) return 'already_funded'
      const [intent] = await deps.db
        .insert(fundings)
        .values({
          jobId: job.id,
          payerId: owner.id,
          payerWallet: owner.walletAddress,
          requested: amount,
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
        returnUrl: `${deps.baseUrl}/jobs/${job.id}/funding/${intent.id}/return`
      })
      if (!result.ok) {
        await update(intent.id, { state: 'failed', failureReason: `${result.error}: ${result.message}`.slice(0, 500) })
        deps.logger.warn({ jobId: job.id, reason: result.message }, 'quote failed')
        return result.error === 'unreachable' ? 'payments_unavailable' : 'wallet_unreachable'
      }
      const q = result.value
      const [row] = await deps.db
        .update(fundings)
        .set({
          pendingId: q.pendingId,
          paymentUrl: q.paymentUrl,
          incomingPaymentId: q.incomingPaymentId,
          quoteId: q.quoteId,
          debitAmount: BigInt(q.quote.debitAmount.value),
          debitAssetCode: q.quote.debitAmount.assetCode,
          debitAssetScale: q.quote.debitAmount.assetScale,
          receiveAmount: BigInt(q.quote.receiveAmount.value),
          quoteExpiresAt: q.quote.expiresAt ? new Date(q.quote.expiresAt) : null,
          state: 'awaiting_consent',
          updatedAt: new Date()
        })
        .where(eq(fundings.id, intent.id))
        .returning()
      return row!
    },

    /** Re-reads a payment's status from the payments service and records it. */
    async refresh(funding: Funding): Promise<Funding> {
      if (!funding.pendingId || FINAL_FUNDING_STATES.includes(funding.state)) return funding
      const result = await deps.payments.getPaymentStatus(funding.pendingId)
      if (!result.ok) {
        if (result.error === 'not_found') return (await update(funding.id, { state: 'failed', failureReason: 'unknown to the payments service' })) ?? funding
        return funding
      }
      const status: RemotePaymentStatus = result.value.status
      if (status === funding.state) return funding
      if (status === 'completed') {
        const r = result.value.receivedAmount
        // An amount in another asset or scale is not this job's money: never counted as funded.
        if (r && (r.assetCode !== funding.assetCode || r.assetScale !== funding.assetScale)) {
          const reason = `asset_mismatch: received ${r.value} ${r.assetCode}/${r.assetScale}, expected ${funding.assetCode}/${funding.assetScale}`
          deps.logger.error({ fundingId: funding.id, jobId: funding.jobId, received: r }, 'funding arrived in another asset')
          return (await update(funding.id, { state: 'failed', failureReason: reason })) ?? funding
        }
        const received = r ? BigInt(r.value) : (funding.receiveAmount ?? 0n)
        const done = await deps.db.transaction(async (tx) => {
          const [job] = await tx.select().from(jobs).where(eq(jobs.id, funding.jobId)).for('update')
          const [row] = await tx
            .update(fundings)
            .set({ state: 'completed', received, updatedAt: new Date() })
            .where(and(eq(fundings.id, funding.id), sql`${fundings.state} <> 'completed'`))
            .returning()
          // Money that arrives for a job already closed goes straight back.
          if (row && job && CLOSED.includes(job.state)) await deps.payouts.scheduleRefund(tx, job)
          return row
        })
        return done ?? funding
      }
      return (await update(funding.id, { state: status, failureReason: result.value.failureReason ?? null })) ?? funding
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
        .where(inArray(fundings.state, ['awaiting_consent', 'paying']))
        .limit(20)
      for (const f of open) await this.refresh(f)
      // An intent whose quote call never answered (a crash mid-call) is closed after ten minutes.
      await deps.db
        .update(fundings)
        .set({ state: 'failed', failureReason: 'no answer from the payments service', updatedAt: new Date() })
        .where(and(eq(fundings.state, 'starting'), sql`${fundings.createdAt} < now() - interval '10 minutes'`))
    },

    async openFor(jobId: string): Promise<Funding | null> {
      const [row] = await deps.db
        .select()
        .from(fundings)
        .where(and(eq(fundings.jobId, jobId), inArray(fundings.state, ['starting', 'awaiting_consent', 'paying'])))
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

    listForPayer(userId: string): Promise<Funding[]> {
      return deps.db.select().from(fundings).where(eq(fundings.payerId, userId)).orderBy(desc(fundings.createdAt))
    }
  }
}

export type FundingService = ReturnType<typeof createFundingService>
export type { FundingState }
