import { text, timestamp } from 'drizzle-orm/pg-core'
import { web } from '../db/schema.ts'

/** Webhook ids already processed (webhooks.ts): a replayed delivery changes nothing. */
export const webhookDeliveries = web.table('webhook_deliveries', {
  id: text('id').primaryKey(),
  type: text('type').notNull(),
  receivedAt: timestamp('received_at', { withTimezone: true }).notNull().defaultNow()
})
