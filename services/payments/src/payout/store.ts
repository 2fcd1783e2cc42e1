import { desc, inArray, sql } from 'drizzle-orm'
import { claimDue, transitionIf, type Db } from '@voces/platform'
import type { WebhookEventType } from '../webhook/model.ts'
import type { PayoutDeps } from './deps.ts'
import { payoutGrants, payouts, type PayoutRow, type PayoutState } from './model.ts'
import { payoutEventData } from './view.ts'

export type PayoutPatch = Partial<Omit<typeof payouts.$inferInsert, 'id'>>

const payoutEvents: Partial<Record<PayoutState, WebhookEventType>> = { completed: 'payout.completed', failed: 'payout.failed', needs_review: 'payout.needs_review' }

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

/** The payout grants' states of these sellers, newest first (for the sellers' view). */
export function payoutGrantStates(db: Db, sellerIds: string[]) {
  return db
    .select({ sellerId: payoutGrants.sellerId, state: payoutGrants.state })
    .from(payoutGrants)
    .where(inArray(payoutGrants.sellerId, sellerIds))
    .orderBy(desc(payoutGrants.createdAt))
}
