import { bigint, index, integer, text, timestamp, uuid } from 'drizzle-orm/pg-core'
import { web } from '../db/schema.ts'
import { LIMITS, lengthCheck } from '../domain/limits.ts'
import { users } from '../domain/user.ts'
import type { Language } from '../domain/languages.ts'
import type { DeliverableType } from '../domain/deliverables.ts'

export const JOB_STATES = [
  'draft',
  'recruiting',
  'selecting',
  'submitting',
  'reviewing',
  'complete',
  'canceled',
  'expired'
] as const
export type JobState = (typeof JOB_STATES)[number]
export const ACTIVE_STATES: readonly JobState[] = ['recruiting', 'selecting', 'submitting', 'reviewing']

export const jobs = web.table(
  'jobs',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    ownerId: uuid('owner_id')
      .notNull()
      .references(() => users.id),
    title: text('title').notNull(),
    description: text('description').notNull(),
    language: text('language').$type<Language>().notNull(),
    dialect: text('dialect').notNull().default(''),
    deliverableTypes: text('deliverable_types').array().$type<DeliverableType[]>().notNull(),
    // Money: integer minor units at the asset's scale.
    amountPerPerson: bigint('amount_per_person', { mode: 'bigint' }).notNull(),
    assetCode: text('asset_code').notNull(),
    assetScale: integer('asset_scale').notNull(),
    /**
     * What one payout of amountPerPerson costs escrow in fees, as the escrow wallet last quoted it
     * (at the latest funding start): the funder pays it into escrow with the pay. Null until funded.
     */
    payoutFeePerPerson: bigint('payout_fee_per_person', { mode: 'bigint' }),
    maxResponses: integer('max_responses').notNull(),
    recruitLimit: integer('recruit_limit').notNull(),
    recruitDeadline: timestamp('recruit_deadline', { withTimezone: true }).notNull(),
    submitLimit: integer('submit_limit').notNull(),
    submitDays: integer('submit_days').notNull(),
    submitDeadline: timestamp('submit_deadline', { withTimezone: true }),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    referenceMediaId: uuid('reference_media_id'),
    state: text('state').$type<JobState>().notNull().default('draft'),
    stateChangedAt: timestamp('state_changed_at', { withTimezone: true }).notNull().defaultNow(),
    publishedAt: timestamp('published_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow()
  },
  (t) => [
    lengthCheck('jobs_title_len', t.title, LIMITS.jobTitle),
    lengthCheck('jobs_description_len', t.description, LIMITS.jobDescription),
    lengthCheck('jobs_dialect_len', t.dialect, LIMITS.dialect),
    index('jobs_state_idx').on(t.state, t.recruitDeadline),
    index('jobs_owner_idx').on(t.ownerId, t.state),
    // The browse page: open jobs, newest first.
    // Search uses a generated `search_vector` column with a GIN index, made in SQL by migration
    // 0004_job_search and deliberately left out of this model: every `select()` of a job would carry it.
    // search.ts is the one place that names it.
    index('jobs_browse_idx').on(t.state, t.publishedAt.desc(), t.id.desc())
  ]
)

export type Job = typeof jobs.$inferSelect
