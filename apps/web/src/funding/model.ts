import { sql } from 'drizzle-orm'
import { bigint, index, integer, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core'
import { web } from '../db/schema.ts'
import { users } from '../domain/user.ts'
import { jobs } from '../jobs/model.ts'

/**
 * A funding payment: the owner's wallet pays the marketplace escrow for one job. `needs_review`: the
 * wallet has not confirmed the money's arrival by the payment's deadline (the payments service keeps
 * checking; an operator can reconcile it). `unknown`: the payments service sent a state this app does
 * not know. Neither is final, and neither funds the job: only `completed` does.
 */
export const FUNDING_STATES = ['starting', 'awaiting_consent', 'paying', 'needs_review', 'unknown', 'completed', 'failed', 'rejected', 'expired'] as const
export type FundingState = (typeof FUNDING_STATES)[number]
export const FINAL_FUNDING_STATES: readonly FundingState[] = ['completed', 'failed', 'rejected', 'expired']
/** States of a payment that may still move money: one per job at a time. */
export const OPEN_FUNDING_STATES: readonly FundingState[] = ['starting', 'awaiting_consent', 'paying', 'needs_review', 'unknown']

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
    /** What escrow is to receive: pay for the people still to fund plus their payout fee reserve. */
    requested: bigint('requested', { mode: 'bigint' }).notNull(),
    /** Of `requested`, what is reserved for escrow's payout fees (the funder pays them; unspent, it is refunded). */
    payoutFeeReserve: bigint('payout_fee_reserve', { mode: 'bigint' }).notNull().default(sql`0`),
    debitAmount: bigint('debit_amount', { mode: 'bigint' }),
    debitAssetCode: text('debit_asset_code'),
    debitAssetScale: integer('debit_asset_scale'),
    receiveAmount: bigint('receive_amount', { mode: 'bigint' }),
    /** What the payer's wallet is debited beyond what escrow receives, as the payments service reports it; null in another asset. */
    fee: bigint('fee', { mode: 'bigint' }),
    received: bigint('received', { mode: 'bigint' }).notNull().default(sql`0`),
    assetCode: text('asset_code').notNull(),
    assetScale: integer('asset_scale').notNull(),
    quoteExpiresAt: timestamp('quote_expires_at', { withTimezone: true }),
    state: text('state').$type<FundingState>().notNull().default('starting'),
    /** The payments service's failure code (payment_failed, consent_expired, superseded, …): why, in people's words. */
    failureCode: text('failure_code'),
    failureReason: text('failure_reason'),
    /** What the payer's wallet's last redirect said instead of approving (unverified: shown, never acted on). */
    walletResult: text('wallet_result'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow()
  },
  (t) => [
    index('fundings_job_idx').on(t.jobId),
    // At most one payment in flight per job: a double click cannot start two.
    uniqueIndex('fundings_one_open_per_job')
      .on(t.jobId)
      .where(sql`state in ('starting', 'awaiting_consent', 'paying', 'needs_review', 'unknown')`)
  ]
)

export type Funding = typeof fundings.$inferSelect
