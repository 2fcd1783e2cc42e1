import { sql } from 'drizzle-orm'
import { index, integer, jsonb, serial, text } from 'drizzle-orm/pg-core'
import type { WebhookEventType } from '@voces/payments-contract'
import { at, createdAt, paymentsSchema } from '../db.ts'

export type { WebhookEventType }

/** The outbox: written in the same transaction as the state change it announces. */
export const webhookEvents = paymentsSchema.table(
  'webhook_events',
  {
    id: text('id').primaryKey(),
    type: text('type').$type<WebhookEventType>().notNull(),
    payload: jsonb('payload').$type<Record<string, unknown>>().notNull(),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: at('next_attempt_at').notNull().defaultNow(),
    deliveredAt: at('delivered_at'),
    lastError: text('last_error'),
    createdAt: createdAt()
  },
  (t) => [index('webhook_events_due_idx').on(t.nextAttemptAt).where(sql`delivered_at is null`)]
)
export type WebhookEventRow = typeof webhookEvents.$inferSelect

/** One row per delivery attempt: the delivery log. */
export const webhookDeliveries = paymentsSchema.table('webhook_deliveries', {
  id: serial('id').primaryKey(),
  eventId: text('event_id').notNull(),
  attempt: integer('attempt').notNull(),
  statusCode: integer('status_code'),
  error: text('error'),
  durationMs: integer('duration_ms').notNull(),
  createdAt: createdAt()
})
