import { and, eq, inArray, sql } from 'drizzle-orm'
import { claimDue, formatMinorUnits, queryRows, transitionIf, type Db, type Logger, type Tx } from '@voces/platform'
import { payouts, type Payout } from './model.ts'
import { jobs } from '../jobs/model.ts'
import { users } from '../domain/user.ts'
import { isUuid } from '../domain/ids.ts'
import type { PaymentsClient, PayoutResult } from '../payments-client/types.ts'
import { ledger } from './ledger.ts'

/**
 * Called in the transaction that recorded a payout or refund as completed — once, when the payments
 * service reports that the money reached the receiver (e.g. to tell them).
 */
export type OnPayoutCompleted = (tx: Tx, payout: Payout) => Promise<void>

/**
 * Sending what was scheduled: the worker claims due payouts, decides each under its job's row lock,
 * calls the payments service outside any transaction and records its answer; re-reads (webhooks,
 * operators) record the same way.
 */
export function createPayoutWorker(deps: { db: Db; payments: PaymentsClient; logger: Logger; retryMs?: number; onCompleted?: OnPayoutCompleted }) {
  const retryMs = deps.retryMs ?? 30_000

  /**
   * One worker round: claim due payouts on the platform's leased queue, decide each under its job's
   * row lock (a creator's payout goes only when escrow holds it, fees included), send, then re-read
   * those in flight. A payout whose answer was lost stays `sending` without a remote id and is
   * claimed again when its lease runs out, with the same wallet and reference.
   */
  async function processDue(now: Date = new Date()): Promise<number> {
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
    for (const p of inFlight) await refresh(p.remoteId!)
    return sent
  }

  /** Re-reads one payout from the payments service (after a webhook, or while sending). */
  async function refresh(remoteId: string): Promise<void> {
    const result = await deps.payments.getPayout(remoteId)
    if (!result.ok) return
    const [row] = await deps.db.select().from(payouts).where(eq(payouts.remoteId, remoteId))
    if (row) await record(row.id, result.value)
  }

  /**
   * Operators: the payments service checks the wallets at once (e.g. for a payout in needs_review) and
   * settles it if it can; the answer is recorded like any re-read.
   */
  async function reconcile(payoutId: string): Promise<Payout | 'not_found' | 'payments_unavailable'> {
    if (!isUuid(payoutId)) return 'not_found'
    const [row] = await deps.db.select().from(payouts).where(eq(payouts.id, payoutId))
    if (!row?.remoteId) return 'not_found'
    const result = await deps.payments.reconcilePayout(row.remoteId)
    if (!result.ok) return result.error === 'not_found' ? 'not_found' : 'payments_unavailable'
    await record(row.id, result.value)
    const [after] = await deps.db.select().from(payouts).where(eq(payouts.id, payoutId))
    return after ?? 'not_found'
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

  return { processDue, refresh, reconcile }
}
