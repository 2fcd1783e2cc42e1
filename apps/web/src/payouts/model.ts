import { bigint, index, integer, text, timestamp, uuid } from 'drizzle-orm/pg-core'
import { web } from '../db/schema.ts'
import { users } from '../users/model.ts'
import { jobs } from '../jobs/model.ts'

/**
 * Money leaving escrow: a payout to a creator (one per accepted submission) or a refund to the funder
 * (one per job). `reference` is unique and is the idempotency key sent to the payments service, so a
 * retry can never pay twice.
 */
export const PAYOUT_STATES = ['pending', 'sending', 'completed', 'failed'] as const
export type PayoutState = (typeof PAYOUT_STATES)[number]
export type PayoutKind = 'payout' | 'refund'

export const payouts = web.table(
  'payouts',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    jobId: uuid('job_id')
      .notNull()
      .references(() => jobs.id),
    kind: text('kind').$type<PayoutKind>().notNull(),
    reference: text('reference').notNull().unique(),
    receiverId: uuid('receiver_id')
      .notNull()
      .references(() => users.id),
    receiverWallet: text('receiver_wallet'),
    amount: bigint('amount', { mode: 'bigint' }).notNull(),
    assetCode: text('asset_code').notNull(),
    assetScale: integer('asset_scale').notNull(),
    state: text('state').$type<PayoutState>().notNull().default('pending'),
    remoteId: text('remote_id'),
    attempts: integer('attempts').notNull().default(0),
    lastError: text('last_error'),
    nextAttemptAt: timestamp('next_attempt_at', { withTimezone: true }).notNull().defaultNow(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow()
  },
  (t) => [index('payouts_job_idx').on(t.jobId), index('payouts_due_idx').on(t.state, t.nextAttemptAt)]
)

export type Payout = typeof payouts.$inferSelect
