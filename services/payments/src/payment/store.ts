import { eq, sql } from 'drizzle-orm'
import { queryRows, type Db } from '@voces/platform'
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

    async transition(id, from, patch, guard) {
      return deps.db.transaction(async (tx) => {
        const [current] = await tx.select().from(payments).where(eq(payments.id, id)).for('update')
        if (!current || !from.includes(current.state) || (guard && !guard(current))) return undefined
        const [updated] = await tx
          .update(payments)
          .set({ ...patch, updatedAt: new Date() })
          .where(eq(payments.id, id))
          .returning()
        const event = patch.state && patch.state !== current.state ? eventOf[patch.state] : undefined
        if (event) await deps.webhooks.enqueue(tx, event, paymentEventData(updated!))
        return updated
      })
    },

    async claimDue(limit, leaseMs, now) {
      // The time comes from the service's clock (tests move it), not from the database's now().
      const at = now.toISOString()
      const claimed = await deps.db.transaction((tx) =>
        queryRows<{ id: string }>(
          tx,
          sql`update payments.payments set next_attempt_at = ${at}::timestamptz + (${leaseMs} * interval '1 millisecond')
              where id in (select id from payments.payments
                           where state in ('starting', 'awaiting_consent', 'authorized', 'sending', 'needs_review')
                             and next_attempt_at <= ${at}::timestamptz
                           order by next_attempt_at limit ${limit} for update skip locked)
              returning id`
        )
      )
      if (!claimed.length) return []
      return deps.db
        .select()
        .from(payments)
        .where(sql`${payments.id} in (${sql.join(claimed.map((c) => sql`${c.id}`), sql`, `)})`)
    }
  }
}
