import { bigint, index, text, timestamp, uuid } from 'drizzle-orm/pg-core'
import { web } from '../db/schema.ts'
import { users } from '../domain/user.ts'
import { jobs } from '../jobs/model.ts'
import { submissions } from '../submissions/model.ts'

/** How an admin ends a dispute: all to the creator, all back to the funder, or an amount to the creator and the rest back. */
export const DISPUTE_DECISIONS = ['release', 'refund', 'split'] as const
export type DisputeDecision = (typeof DISPUTE_DECISIONS)[number]

/**
 * A dispute over one submission (one per submission, ever). While `open`, that person's share of escrow
 * is frozen: no payout and no refund of it (payouts/ledger.ts counts disputed submissions as owed).
 */
export const disputes = web.table(
  'disputes',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    submissionId: uuid('submission_id')
      .notNull()
      .unique()
      .references(() => submissions.id),
    jobId: uuid('job_id')
      .notNull()
      .references(() => jobs.id),
    openedBy: uuid('opened_by')
      .notNull()
      .references(() => users.id),
    reason: text('reason').notNull(),
    /** The submission's state when the dispute was opened (what it returns to is decided by the admin). */
    previousState: text('previous_state').notNull(),
    state: text('state').$type<'open' | 'decided'>().notNull().default('open'),
    decision: text('decision').$type<DisputeDecision>(),
    /** Of the job's pay per person: what goes to the creator (the rest is refunded to the funder). */
    creatorAmount: bigint('creator_amount', { mode: 'bigint' }),
    decidedBy: uuid('decided_by').references(() => users.id),
    decidedAt: timestamp('decided_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow()
  },
  (t) => [index('disputes_state_idx').on(t.state, t.createdAt)]
)

export type Dispute = typeof disputes.$inferSelect
