import { backoffMs } from '@voces/platform'
import { isFailure, type Failure } from '../errors.ts'
import type { IncomingState } from './incoming.ts'

/** What a sent payment or payout row carries for settling (both have these columns). */
export interface Settling {
  state: string
  attempts: number
  settleBy: Date | null
  sentValue: bigint | null
  receivedValue: bigint | null
}

/**
 * The patch for a payment or payout the wallets have not settled either way yet: look again with
 * backoff; past its deadline go to (or stay in) `needs_review` with the evidence, checked every
 * `recheckMs`. One rule for both, so the twins cannot drift.
 */
export function notSettledPatch(
  row: Settling,
  why: string,
  seen: { sent?: bigint | null | undefined; incoming?: IncomingState | Failure | undefined },
  timing: { now: Date; recheckMs: number; baseBackoffMs: number; maxBackoffMs: number }
): { overdue: boolean; patch: { state?: 'needs_review'; attempts: number; sentValue: bigint | null; receivedValue: bigint | null; failureCode?: string; failureMessage?: string; nextAttemptAt: Date } } {
  const received = seen.incoming && !isFailure(seen.incoming) ? seen.incoming.received : row.receivedValue
  const base = { attempts: row.attempts + 1, sentValue: seen.sent ?? row.sentValue, receivedValue: received }
  const overdue = (row.settleBy !== null && row.settleBy.getTime() <= timing.now.getTime()) || row.state === 'needs_review'
  if (!overdue) {
    return { overdue, patch: { ...base, nextAttemptAt: new Date(timing.now.getTime() + backoffMs(row.attempts, timing.baseBackoffMs, timing.maxBackoffMs)) } }
  }
  return {
    overdue,
    patch: {
      ...base,
      state: 'needs_review',
      failureCode: 'not_settled',
      failureMessage: `Not settled by ${row.settleBy?.toISOString() ?? 'its deadline'}: ${why}`,
      nextAttemptAt: new Date(timing.now.getTime() + timing.recheckMs)
    }
  }
}
