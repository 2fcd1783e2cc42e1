import { and, desc, eq, inArray, sql } from 'drizzle-orm'
import { claimDue, formatMinorUnits, queryRows, transitionIf, type Db, type Logger, type Tx } from '@voces/platform'
import { payouts, type Payout } from './model.ts'
import { jobs, type Job } from '../jobs/model.ts'
import type { Submission } from '../submissions/model.ts'
import { users, type User } from '../domain/user.ts'
import { isUuid } from '../domain/ids.ts'
import type { PaymentsClient, PayoutResult } from '../payments-client/types.ts'
import { escrowState, ledger, ledgers, shortfall, type Ledger } from './ledger.ts'
import type { EscrowState } from '../domain/escrow.ts'

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

    /** What a fixed-receive payout of `amount` from escrow costs in fees now (the escrow wallet's quote), or null. */
    async payoutFee(job: Job, amount: bigint): Promise<bigint | null> {
      const result = await deps.payments.quotePayoutFee(formatMinorUnits(amount, job.assetScale))
      if (!result.ok || result.value.assetCode !== job.assetCode || result.value.assetScale !== job.assetScale) return null
      return BigInt(result.value.value)
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
     * One worker round: claim due payouts on the platform's leased queue, decide each under its job's
     * row lock (a creator's payout goes only when escrow holds it, fees included), send, then re-read
     * those in flight. A payout whose answer was lost stays `sending` without a remote id and is
     * claimed again when its lease runs out, with the same wallet and reference.
     */
    async processDue(now: Date = new Date()): Promise<number> {
      const due = await claimDue(deps.db, payouts, {
        ready: sql`state = 'pending' or (state = 'sending' and remote_id is null)`,
        limit: 10,
        leaseMs: retryMs,
        now
      })
      let sent = 0
      for (const claimed of due.sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime())) {
        const ready = await decide(claimed, now)
        if (!ready) continue
        sent++
        await send(ready.payout, ready.wallet)
      }

      // Re-read payouts the service is still sending, or still checking.
      const inFlight = await deps.db
        .select()
        .from(payouts)
        .where(and(inArray(payouts.state, ['sending', 'needs_review', 'unknown']), sql`${payouts.remoteId} is not null`))
        .limit(20)
      for (const p of inFlight) await this.refresh(p.remoteId!)
      return sent
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

  /**
   * Under the job's row lock: a payout goes only to a wallet, and a creator's payout only when escrow
   * holds it (her pay plus its fee), net of the others already being sent. Otherwise it waits (its
   * lease is its next attempt) with the reason recorded.
   */
  async function decide(claimed: Payout, now: Date): Promise<{ payout: Payout; wallet: string } | undefined> {
    return deps.db.transaction(async (tx) => {
      const [job] = await tx.select().from(jobs).where(eq(jobs.id, claimed.jobId)).for('update')
      const [receiver] = await tx.select({ wallet: users.walletAddress }).from(users).where(eq(users.id, claimed.receiverId))
      // Once a wallet was sent, every retry sends the same one (same reference, same payout).
      const wallet = claimed.receiverWallet ?? receiver?.wallet ?? null
      const wait = (lastError: string) => transitionIf(tx as unknown as Db, payouts, claimed.id, (c) => c.state === claimed.state, { lastError, updatedAt: now }).then(() => undefined)
      if (!job) return undefined
      if (!wallet) return wait('no_wallet')
      if (claimed.kind === 'payout' && claimed.state === 'pending') {
        const l = await ledger(tx, job)
        const [others] = await queryRows<{ s: string }>(
          tx,
          sql`select coalesce(sum(coalesce(debited, amount + ${job.payoutFeePerPerson ?? 0n})), 0) as s from web.payouts
              where job_id = ${job.id} and kind = 'payout' and state in ('sending', 'needs_review', 'unknown') and id <> ${claimed.id}`
        )
        // What this payout takes: its quoted debit once known (a split's), else its pay plus the fee reserve.
        const cost = claimed.debited ?? claimed.amount + (job.payoutFeePerPerson ?? 0n)
        if (l.held - BigInt(others?.s ?? 0) < cost) return wait('awaiting_funds')
      }
      const moved = await transitionIf(tx as unknown as Db, payouts, claimed.id, (c) => c.state === claimed.state && c.remoteId === null, {
        state: 'sending',
        receiverWallet: wallet,
        attempts: claimed.attempts + 1,
        updatedAt: now
      })
      return moved ? { payout: moved, wallet } : undefined
    })
  }

  /** Calls the payments service outside any transaction and records its answer. */
  async function send(payout: Payout, wallet: string): Promise<void> {
    const result = await deps.payments.createPayout({
      receiverWalletAddressUrl: wallet,
      amount: formatMinorUnits(payout.amount, payout.assetScale),
      // A creator receives exactly her pay (escrow pays the fee); a refund sends what escrow holds.
      fixed: payout.kind === 'payout' ? 'receive' : 'send',
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

  /**
   * Records what the payments service reports about a payout: its state, what the receiver's wallet
   * receives and what the payout cost in fees (the service's figures, kept as they are).
   */
  async function record(id: string, remote: PayoutResult): Promise<void> {
    const state = remote.status === 'pending' ? 'sending' : remote.status
    const received = remote.receiveAmount
    const fee = remote.fee
    const debited = remote.debitAmount
    await deps.db.transaction(async (tx) => {
      const [updated] = await tx
        .update(payouts)
        .set({
          remoteId: remote.id,
        state,
        lastError: remote.failureReason ?? null,
        ...(received ? { received: BigInt(received.value), receivedAssetCode: received.assetCode, receivedAssetScale: received.assetScale } : {}),
        ...(fee ? { fee: BigInt(fee.value) } : {}),
        ...(debited ? { debited: BigInt(debited.value) } : {}),
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
