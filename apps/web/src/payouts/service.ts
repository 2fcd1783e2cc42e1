import { and, desc, eq, sql } from 'drizzle-orm'
import { queryRows, type Db, type Logger, type Tx } from '@voces/platform'
import { payouts, type Payout } from './model.ts'
import { jobs, type Job } from '../jobs/model.ts'
import type { Submission } from '../submissions/model.ts'
import { users, type User } from '../domain/user.ts'
import { isUuid } from '../domain/ids.ts'
import type { PaymentsClient, PayoutFixed } from '../payments-client/types.ts'
import { escrowState, ledger, ledgers, shortfall, type Ledger } from './ledger.ts'
import { createPayoutFeeQuote } from './fee-quote.ts'
import { createPayoutWorker, type OnPayoutCompleted } from './worker.ts'
import type { EscrowState } from '../domain/escrow.ts'

export type { Ledger }

export type { OnPayoutCompleted }

/**
 * Money leaving escrow. Intent is written first (a row with a unique reference) inside the business
 * transaction; a worker (worker.ts) then calls the payments service with that reference as idempotency
 * key, outside any transaction, and records the result. A crash between the two only delays the payout.
 */
export function createPayoutService(deps: { db: Db; payments: PaymentsClient; logger: Logger; retryMs?: number; onCompleted?: OnPayoutCompleted }) {
  const quoteFee = createPayoutFeeQuote(deps)

  return {
    ledger: (job: Pick<Job, 'id' | 'assetCode' | 'assetScale'>) => ledger(deps.db, job),

    /** What escrow lacks for `people` creators' payouts of this job (the jobs feature's EscrowShortfall). */
    async escrowShortfall(tx: Tx, job: Job, people: number): Promise<bigint> {
      return shortfall(await ledger(tx, job), job, people)
    },

    escrowState,

    /** Each job's escrow state, for lists (browse, my work): every job's ledger in one statement, the same figures as its page. */
    async escrowStates(list: Job[]): Promise<Map<string, EscrowState>> {
      const all = await ledgers(deps.db, list)
      return new Map(list.map((job) => [job.id, escrowState(all.get(job.id)!, job)] as const))
    },

    /**
     * Records the creator's payout for an accepted submission; the unique reference makes it once only.
     * `amount` (a dispute's split) defaults to the job's pay per person; `fee`, the escrow wallet's quote
     * of that payout's fee when it was asked (a split), makes what it takes from escrow known at once.
     */
    async schedulePayout(tx: Tx, job: Job, submission: Submission, amount: bigint = job.amountPerPerson, fee: bigint | null = null): Promise<void> {
      await tx
        .insert(payouts)
        .values({
          jobId: job.id,
          kind: 'payout',
          reference: submission.id,
          receiverId: submission.creatorId,
          amount,
          ...(fee !== null ? { debited: amount + fee } : {}),
          assetCode: job.assetCode,
          assetScale: job.assetScale
        })
        .onConflictDoNothing({ target: payouts.reference })
    },

    /** The escrow wallet's quote of one payout's fee, or why there is none (funding's fee reserve). */
    quoteFee,

    /** The same quote, or null when there is none (a dispute's split keeps the reserve then); `send` prices a refund. */
    async payoutFee(job: Job, amount: bigint, fixed: PayoutFixed = 'receive'): Promise<bigint | null> {
      const fee = await quoteFee(job, amount, fixed)
      return typeof fee === 'bigint' ? fee : null
    },

    /**
     * Records a refund of whatever escrow still holds for a closed job, beyond payouts already owed; with
     * `amount` (a dispute's decision, the job still open), that much of it and no more.
     */
    async scheduleRefund(tx: Tx, job: Job, amount?: bigint): Promise<void> {
      const l = await ledger(tx, job)
      // Payouts still waiting for money, and failed ones the owner may retry, count as owed: the refund never takes a creator's pay.
      const refund = amount === undefined ? l.available : amount < l.available ? amount : l.available
      if (refund <= 0n) return
      const [existing] = await queryRows<{ n: string | number }>(
        tx,
        sql`select count(*) as n from web.payouts where job_id = ${job.id} and kind = 'refund'`
      )
      await tx
        .insert(payouts)
        .values({
          jobId: job.id,
          kind: 'refund',
          reference: `refund:${job.id}:${Number(existing?.n ?? 0) + 1}`,
          receiverId: job.ownerId,
          amount: refund,
          assetCode: job.assetCode,
          assetScale: job.assetScale
        })
        .onConflictDoNothing({ target: payouts.reference })
    },

    /**
     * The job owner retries a payout the payments service reported as failed (the money never left
     * escrow), e.g. after the creator fixed their wallet. A new row with a derived reference is sent;
     * the failed one stays in the history.
     */
    async retry(owner: User, payoutId: string): Promise<Payout | 'not_found' | 'invalid_state'> {
      if (!isUuid(payoutId)) return 'not_found'
      return deps.db.transaction(async (tx) => {
        const [failed] = await tx.select().from(payouts).where(eq(payouts.id, payoutId))
        if (!failed) return 'not_found'
        const [job] = await tx.select().from(jobs).where(eq(jobs.id, failed.jobId)).for('update')
        if (!job || (job.ownerId !== owner.id && !owner.isAdmin)) return 'not_found'
        if (failed.state !== 'failed') return 'invalid_state'
        const base = failed.reference.replace(/:retry\d+$/, '')
        const [tries] = await queryRows<{ n: string | number; live: string | number }>(
          tx,
          sql`select count(*) as n, count(*) filter (where state <> 'failed') as live from web.payouts
              where job_id = ${job.id} and (reference = ${base} or reference like ${`${base}:retry%`})`
        )
        // One live attempt at a time: a second click must not send the money twice.
        if (Number(tries?.live ?? 0) > 0) return 'invalid_state'
        const [again] = await tx
          .insert(payouts)
          .values({
            jobId: job.id,
            kind: failed.kind,
            reference: `${base}:retry${Number(tries?.n ?? 1)}`,
            receiverId: failed.receiverId,
            amount: failed.amount,
            assetCode: failed.assetCode,
            assetScale: failed.assetScale
          })
          .onConflictDoNothing({ target: payouts.reference })
          .returning()
        return again ?? 'invalid_state'
      })
    },

    ...createPayoutWorker(deps),

    async listForJob(jobId: string) {
      return deps.db
        .select({ payout: payouts, receiver: { username: users.username, displayName: users.displayName } })
        .from(payouts)
        .innerJoin(users, eq(users.id, payouts.receiverId))
        .where(eq(payouts.jobId, jobId))
        .orderBy(payouts.createdAt)
    },

    /** A person's payouts and refunds, newest first, with their job's title (My money). */
    async listForReceiver(userId: string) {
      return deps.db
        .select({ payout: payouts, title: jobs.title })
        .from(payouts)
        .innerJoin(jobs, eq(jobs.id, payouts.jobId))
        .where(eq(payouts.receiverId, userId))
        .orderBy(desc(payouts.createdAt))
    },

    /** The latest payout of each submission (a retried payout supersedes the failed one). */
    async forSubmissions(ids: string[]) {
      if (ids.length === 0) return []
      const rows = await deps.db
        .select()
        .from(payouts)
        .where(and(eq(payouts.kind, 'payout'), sql`split_part(${payouts.reference}, ':', 1) in ${ids}`))
        .orderBy(payouts.createdAt)
      const latest = new Map<string, Payout>()
      for (const r of rows) latest.set(r.reference.split(':')[0]!, r)
      return [...latest.values()]
    }
  }
}

export type PayoutService = ReturnType<typeof createPayoutService>
