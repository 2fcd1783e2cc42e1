import { bigint, index, integer, text, timestamp, uuid } from 'drizzle-orm/pg-core'
import { web } from '../db/schema.ts'
import { users } from '../domain/user.ts'
import { jobs } from '../jobs/model.ts'

/**
 * Money leaving escrow: a payout to a creator (one per accepted submission; fixed receive, so she gets
 * exactly the job's pay and escrow pays the fee from the funder's reserve) or a refund to the funder
 * (fixed send of what escrow holds: the refund's own fee comes out of it and is shown). `reference` is unique and is the idempotency key sent to the payments service, so a
 * retry can never pay twice. `needs_review`: the receiver's wallet has not confirmed the money's arrival
 * by the payout's deadline (the payments service keeps checking; an operator can reconcile it);
 * `unknown`: the service sent a state this app does not know. Both count as in flight.
 */
export const PAYOUT_STATES = ['pending', 'sending', 'needs_review', 'unknown', 'completed', 'failed'] as const
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
    /** A creator's payout: what she receives, exactly (fixed receive). A refund: what leaves escrow (fixed send). */
    amount: bigint('amount', { mode: 'bigint' }).notNull(),
    /** What left (or leaves) escrow, fees included, as the payments service reports it; null until quoted. */
    debited: bigint('debited', { mode: 'bigint' }),
    assetCode: text('asset_code').notNull(),
    assetScale: integer('asset_scale').notNull(),
    state: text('state').$type<PayoutState>().notNull().default('pending'),
    /** What the receiver's wallet receives, in its own asset, as the payments service reports it. */
    received: bigint('received', { mode: 'bigint' }),
    receivedAssetCode: text('received_asset_code'),
    receivedAssetScale: integer('received_asset_scale'),
    /** What the payout cost in fees (amount − received), as the payments service reports it; null in another asset. */
    fee: bigint('fee', { mode: 'bigint' }),
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
