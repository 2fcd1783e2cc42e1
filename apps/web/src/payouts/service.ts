import { and, eq, inArray, sql } from 'drizzle-orm'
import { formatMinorUnits, queryRows, type Db, type Logger, type Tx } from '@voces/platform'
import { payouts, type Payout } from './model.ts'
import { jobs, type Job } from '../jobs/model.ts'
import type { Submission } from '../submissions/model.ts'
import { users, type User } from '../domain/user.ts'
import { isUuid } from '../domain/ids.ts'
import type { PaymentsClient, PayoutResult } from '../payments-client/types.ts'
import { ledger, type Ledger } from './ledger.ts'

export type { Ledger }

/**
 * Money leaving escrow. Intent is written first (a row with a unique reference) inside the business
 * transaction; a worker then calls the payments service with that reference as idempotency key, outside
 * any transaction, and records the result. A crash between the two only delays the payout.
 */
/**
 * Called in the transaction that recorded a payout or refund as completed — once, when the payments
 * service reports that the money reached the receiver (e.g. to tell them).
 */
export type OnPayoutCompleted = (tx: Tx, payout: Payout) => Promise<void>

export function createPayoutService(deps: { db: Db; payments: PaymentsClient; logger: Logger; retryMs?: number; onCompleted?: OnPayoutCompleted }) {
  const retryMs = deps.retryMs ?? 30_000

  return {
    ledger: (job: Pick<Job, 'id' | 'assetCode' | 'assetScale'>) => ledger(deps.db, job),

    /** Records the creator's payout for an accepted submission; the unique reference makes it once only. */
    async schedulePayout(tx: Tx, job: Job, submission: Submission): Promise<void> {
      await tx
        .insert(payouts)
        .values({
          jobId: job.id,
          kind: 'payout',
          reference: submission.id,
          receiverId: submission.creatorId,
          amount: job.amountPerPerson,
          assetCode: job.assetCode,
          assetScale: job.assetScale
        })
        .onConflictDoNothing({ target: payouts.reference })
    },

    /** Records a refund of whatever escrow still holds for a closed job, beyond payouts already owed. */
    async scheduleRefund(tx: Tx, job: Job): Promise<void> {
      const l = await ledger(tx, job)
      // Payouts still waiting for money, and failed ones the owner may retry, count as owed: the refund never takes a creator's pay.
      if (l.available <= 0n) return
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
          amount: l.available,
          assetCode: job.assetCode,
          assetScale: job.assetScale
        })
        .onConflictDoNothing({ target: payouts.reference })
    },

    /** One worker round: send due payouts, then re-read those in flight. */
    async processDue(now: Date = new Date()): Promise<number> {
      const claimed = await deps.db.transaction(async (tx) => {
        // Claim due rows; rows another worker holds are skipped, not waited for.
        const due = await queryRows<{ id: string; wallet: string | null }>(
          tx,
          // Once a wallet was sent, every retry sends the same one (same reference, same payout).
          sql`select p.id, coalesce(p.receiver_wallet, u.wallet_address) as wallet from web.payouts p
              join web.users u on u.id = p.receiver_id
              where p.next_attempt_at <= ${now}
                and (p.state = 'pending' or (p.state = 'sending' and p.remote_id is null))
              order by p.created_at
              limit 10
              for update of p skip locked`
        )
        const wallets = new Map(due.map((d) => [d.id, d.wallet]))
        const rows = due.length
          ? (await tx.select().from(payouts).where(inArray(payouts.id, due.map((d) => d.id))).orderBy(payouts.createdAt)).map((payout) => ({
              payout,
              wallet: wallets.get(payout.id) ?? null
            }))
          : []
        const ready: { payout: Payout; wallet: string }[] = []
        for (const { payout, wallet } of rows) {
          if (!wallet) {
            await tx
              .update(payouts)
              .set({ lastError: 'no_wallet', nextAttemptAt: new Date(now.getTime() + retryMs), updatedAt: now })
              .where(eq(payouts.id, payout.id))
            continue
          }
          if (payout.kind === 'payout') {
            // Escrow must hold this payout's money, net of the others sent or being sent before it.
            const l = await ledger(tx, { id: payout.jobId, assetCode: payout.assetCode, assetScale: payout.assetScale })
            const [others] = await queryRows<{ s: string }>(
              tx,
              sql`select coalesce(sum(amount), 0) as s from web.payouts
                  where job_id = ${payout.jobId} and state = 'sending' and id <> ${payout.id}`
            )
            if (l.held - BigInt(others?.s ?? 0) < payout.amount) {
              await tx
                .update(payouts)
                .set({ lastError: 'awaiting_funds', nextAttemptAt: new Date(now.getTime() + retryMs), updatedAt: now })
                .where(eq(payouts.id, payout.id))
              continue
            }
          }
          await tx
            .update(payouts)
            .set({ state: 'sending', receiverWallet: wallet, attempts: payout.attempts + 1, nextAttemptAt: new Date(now.getTime() + retryMs), updatedAt: now })
            .where(eq(payouts.id, payout.id))
          ready.push({ payout, wallet })
        }
        return ready
      })

      for (const { payout, wallet } of claimed) {
        const result = await deps.payments.createPayout({
          receiverWalletAddressUrl: wallet,
          amount: formatMinorUnits(payout.amount, payout.assetScale),
          reference: payout.reference
        })
        if (result.ok) {
          await record(payout.id, result.value)
        } else if (result.error === 'unreachable' || result.error === 'conflict') {
          // A conflict means an earlier attempt with this reference reached the service: still in flight,
          // never failed (a Retry would pay twice). It is tried again later with the same wallet.
          deps.logger.warn({ payoutId: payout.id, reason: result.message }, `payout deferred: ${result.error}`)
          await deps.db.update(payouts).set({ lastError: result.message.slice(0, 500), updatedAt: new Date() }).where(eq(payouts.id, payout.id))
        } else {
          await deps.db
            .update(payouts)
            .set({ state: 'failed', lastError: result.message.slice(0, 500), updatedAt: new Date() })
            .where(eq(payouts.id, payout.id))
        }
      }

      // Re-read payouts the service is still sending, or still checking.
      const inFlight = await deps.db
        .select()
        .from(payouts)
        .where(and(inArray(payouts.state, ['sending', 'needs_review', 'unknown']), sql`${payouts.remoteId} is not null`))
        .limit(20)
      for (const p of inFlight) await this.refresh(p.remoteId!)
      return claimed.length
    },

    /** Re-reads one payout from the payments service (after a webhook, or while sending). */
    async refresh(remoteId: string): Promise<void> {
      const result = await deps.payments.getPayout(remoteId)
      if (!result.ok) return
      const [row] = await deps.db.select().from(payouts).where(eq(payouts.remoteId, remoteId))
      if (row) await record(row.id, result.value)
    },

    /**
     * Operators: the payments service checks the wallets at once (e.g. for a payout in needs_review) and
     * settles it if it can; the answer is recorded like any re-read.
     */
    async reconcile(payoutId: string): Promise<Payout | 'not_found' | 'payments_unavailable'> {
      if (!isUuid(payoutId)) return 'not_found'
      const [row] = await deps.db.select().from(payouts).where(eq(payouts.id, payoutId))
      if (!row?.remoteId) return 'not_found'
      const result = await deps.payments.reconcilePayout(row.remoteId)
      if (!result.ok) return result.error === 'not_found' ? 'not_found' : 'payments_unavailable'
      await record(row.id, result.value)
      const [after] = await deps.db.select().from(payouts).where(eq(payouts.id, payoutId))
      return after ?? 'not_found'
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

    async listForJob(jobId: string) {
      return deps.db
        .select({ payout: payouts, receiver: { username: users.username, displayName: users.displayName } })
        .from(payouts)
        .innerJoin(users, eq(users.id, payouts.receiverId))
        .where(eq(payouts.jobId, jobId))
        .orderBy(payouts.createdAt)
    },

    async listForReceiver(userId: string) {
      return deps.db.select().from(payouts).where(eq(payouts.receiverId, userId)).orderBy(payouts.createdAt)
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

  /**
   * Records what the payments service reports about a payout: its state, what the receiver's wallet
   * receives and what the payout cost in fees (the service's figures, kept as they are).
   */
  async function record(id: string, remote: PayoutResult): Promise<void> {
    const state = remote.status === 'pending' ? 'sending' : remote.status
    const received = remote.receiveAmount
    const fee = remote.fee
    await deps.db.transaction(async (tx) => {
      const [updated] = await tx
        .update(payouts)
        .set({
          remoteId: remote.id,
        state,
        lastError: remote.failureReason ?? null,
        ...(received ? { received: BigInt(received.value), receivedAssetCode: received.assetCode, receivedAssetScale: received.assetScale } : {}),
        ...(fee ? { fee: BigInt(fee.value) } : {}),
        updatedAt: new Date()
      })
        // A final state is never overwritten by a late, stale answer.
        .where(and(eq(payouts.id, id), inArray(payouts.state, ['pending', 'sending', 'needs_review', 'unknown'])))
        .returning()
      // The guard above lets exactly one recording move a row into `completed`.
      if (updated?.state === 'completed') await deps.onCompleted?.(tx, updated)
    })
  }
}

export type PayoutService = ReturnType<typeof createPayoutService>
