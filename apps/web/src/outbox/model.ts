import { text, timestamp, uuid } from 'drizzle-orm/pg-core'
import { web } from '../db/schema.ts'
import { users } from '../domain/user.ts'

/** What a key was used for: one form each (a key from one form is not accepted by another). */
export const OUTBOX_ACTIONS = ['submission', 'application', 'contribution'] as const
export type OutboxAction = (typeof OUTBOX_ACTIONS)[number]

/**
 * One row per idempotency key a form was sent with (the page's outbox makes one per queued item; the
 * plain form carries one made by the server). The key is the primary key: unique, so one key is one
 * result. `location` is where the first answer sent the person; null while that request is in flight.
 */
export const idempotencyKeys = web.table('idempotency_keys', {
  key: uuid('key').primaryKey(),
  userId: uuid('user_id')
    .notNull()
    .references(() => users.id),
  action: text('action').$type<OutboxAction>().notNull(),
  location: text('location'),
  claimedAt: timestamp('claimed_at', { withTimezone: true }).notNull()
})

export type IdempotencyKey = typeof idempotencyKeys.$inferSelect
