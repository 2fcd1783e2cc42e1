import { and, eq, inArray, sql } from 'drizzle-orm'
import { claimDue, transitionIf, type Db } from '@voces/platform'
import type { WebhookService } from '../webhook/service.ts'
import type { WebhookEventType } from '../webhook/model.ts'
import { payments, type PaymentRow, type PaymentState } from './model.ts'
import { paymentEventData } from './view.ts'

export type PaymentPatch = Partial<Omit<typeof payments.$inferInsert, 'id'>>

const eventOf: Partial<Record<PaymentState, WebhookEventType>> = {
  completed: 'payment.completed',
  failed: 'payment.failed',
  rejected: 'payment.rejected',
  expired: 'payment.expired',
  needs_review: 'payment.needs_review'
}

export interface PaymentStore {
  find(id: string): Promise<PaymentRow | undefined>
  findByConsent(consentId: string): Promise<PaymentRow | undefined>
  /**
   * Applies `patch` if the payment is still in one of `from` (checked under a row lock), and writes
   * the webhook event of a final state in the same transaction. Returns the updated row, or
   * undefined if another request or process moved the payment first.
   */
  transition(id: string, from: PaymentState[], patch: PaymentPatch, guard?: (current: PaymentRow) => boolean): Promise<PaymentRow | undefined>
  /** Takes up to `limit` payments due at `now` for this process, leasing them for `leaseMs`. */
  claimDue(limit: number, leaseMs: number, now: Date): Promise<PaymentRow[]>
}

export function createPaymentStore(deps: { db: Db; webhooks: WebhookService }): PaymentStore {
  return {
    async find(id) {
      const [row] = await deps.db.select().from(payments).where(eq(payments.id, id))
      return row
    },

    async findByConsent(consentId) {
      const [row] = await deps.db.select().from(payments).where(eq(payments.consentId, consentId))
      return row
    },

    async transition(id, from, patch, guard) {
      // No event to write and no guard to run here: one conditional UPDATE does what the locked read and
      // write do (PostgreSQL re-checks the WHERE on the row version it locks), in one round trip instead of
      // four (BEGIN, SELECT … FOR UPDATE, UPDATE, COMMIT) — the payment start's last write is one of these.
      if (!guard && !(patch.state && eventOf[patch.state])) {
        const [row] = await deps.db
          .update(payments)
          .set({ ...patch, updatedAt: new Date() })
          .where(and(eq(payments.id, id), inArray(payments.state, from)))
          .returning()
        return row
      }
      return transitionIf(
        deps.db,
        payments,
        id,
        (current) => from.includes(current.state) && (!guard || guard(current)),
        { ...patch, updatedAt: new Date() },
        async (tx, before, updated) => {
          const event = patch.state && patch.state !== before.state ? eventOf[patch.state] : undefined
          if (event) await deps.webhooks.enqueue(tx, event, paymentEventData(updated))
        }
      )
    },

    claimDue(limit, leaseMs, now) {
      return claimDue(deps.db, payments, { ready: sql`state in ('starting', 'awaiting_consent', 'authorized', 'sending', 'needs_review')`, limit, leaseMs, now })
    }
  }
}
