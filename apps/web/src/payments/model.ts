import { sql } from 'drizzle-orm'
import { bigint, index, integer, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core'
import { web } from '../db/schema.ts'
import { users } from '../users/model.ts'
import { jobs } from '../jobs/model.ts'

/** A funding payment: the owner's wallet pays the marketplace escrow for one job. */
export const FUNDING_STATES = ['starting', 'awaiting_consent', 'paying', 'completed', 'failed', 'rejected', 'expired'] as const
export type FundingState = (typeof FUNDING_STATES)[number]
export const FINAL_FUNDING_STATES: readonly FundingState[] = ['completed', 'failed', 'rejected', 'expired']

export const fundings = web.table(
  'fundings',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    jobId: uuid('job_id')
      .notNull()
      .references(() => jobs.id),
    payerId: uuid('payer_id')
      .notNull()
      .references(() => users.id),
    payerWallet: text('payer_wallet').notNull(),
    // Set once the payments service answered; unique so a webhook maps to exactly one row.
    pendingId: text('pending_id').unique(),
    paymentUrl: text('payment_url'),
    incomingPaymentId: text('incoming_payment_id'),
    quoteId: text('quote_id'),
    requested: bigint('requested', { mode: 'bigint' }).notNull(),
    debitAmount: bigint('debit_amount', { mode: 'bigint' }),
    debitAssetCode: text('debit_asset_code'),
    debitAssetScale: integer('debit_asset_scale'),
    receiveAmount: bigint('receive_amount', { mode: 'bigint' }),
    received: bigint('received', { mode: 'bigint' }).notNull().default(sql`0`),
    assetCode: text('asset_code').notNull(),
    assetScale: integer('asset_scale').notNull(),
    quoteExpiresAt: timestamp('quote_expires_at', { withTimezone: true }),
    state: text('state').$type<FundingState>().notNull().default('starting'),
    failureReason: text('failure_reason'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow()
  },
  (t) => [
    index('fundings_job_idx').on(t.jobId),
    // At most one payment in flight per job: a double click cannot start two.
    uniqueIndex('fundings_one_open_per_job')
      .on(t.jobId)
      .where(sql`state in ('starting', 'awaiting_consent', 'paying')`)
  ]
)

export type Funding = typeof fundings.$inferSelect

/** Webhook ids already processed: a replayed delivery changes nothing. */
export const webhookDeliveries = web.table('webhook_deliveries', {
  id: text('id').primaryKey(),
  type: text('type').notNull(),
  receivedAt: timestamp('received_at', { withTimezone: true }).notNull().defaultNow()
})
