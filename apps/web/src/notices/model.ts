import { sql } from 'drizzle-orm'
import { index, integer, jsonb, text, timestamp, uuid } from 'drizzle-orm/pg-core'
import { web } from '../db/schema.ts'
import { users } from '../domain/user.ts'

/** Every event that matters to a person; each has its words in i18n `notices.kinds.<kind>`. */
export const NOTICE_KINDS = [
  'applied',
  'selected',
  'not_selected',
  'work_started',
  'submission_received',
  'changes_requested',
  'resubmitted',
  'auto_release_soon',
  'auto_released',
  'paid',
  'refunded',
  'funding_failed',
  'dispute_opened',
  'dispute_decided',
  'application_withdrawn'
] as const
export type NoticeKind = (typeof NOTICE_KINDS)[number]

/**
 * What the words of a notice are filled in with. Amounts are kept as minor units with their asset,
 * formatted when shown (in the reader's language), never as a ready-made string.
 */
export interface NoticeParams {
  title?: string
  name?: string
  amount?: string
  assetCode?: string
  assetScale?: number
  /** Typed by a person (changes requested): shown as written. */
  reason?: string
  /** A dispute's outcome, told in the reader's language. */
  decision?: 'release' | 'refund' | 'split'
}

/**
 * One notice to one person. `dedupe_key` is unique: the event that writes it in its own transaction
 * may run again (a retry, a second worker, a restart) and still leaves exactly one notice.
 */
export const notices = web.table(
  'notices',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id),
    kind: text('kind').$type<NoticeKind>().notNull(),
    params: jsonb('params').$type<NoticeParams>().notNull().default({}),
    /** A local path (`/jobs/<id>`): what the notice is about. */
    link: text('link').notNull(),
    dedupeKey: text('dedupe_key').notNull().unique(),
    readAt: timestamp('read_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow()
  },
  (t) => [
    index('notices_user_idx').on(t.userId, t.createdAt),
    // The header's unread count on every page: a partial index holds only what is unread.
    index('notices_unread_idx').on(t.userId).where(sql`read_at is null`)
  ]
)

export type Notice = typeof notices.$inferSelect

export const EMAIL_STATES = ['pending', 'sending', 'sent', 'failed'] as const
export type EmailState = (typeof EMAIL_STATES)[number]

/**
 * The email outbox: one row per notice for a person who gave an address, keyed by the notice's id
 * (so never two emails for one notice), sent by the worker on the platform queue (email.ts).
 */
export const noticeEmails = web.table(
  'notice_emails',
  {
    id: uuid('id')
      .primaryKey()
      .references(() => notices.id),
    toAddress: text('to_address').notNull(),
    state: text('state').$type<EmailState>().notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    lastError: text('last_error'),
    nextAttemptAt: timestamp('next_attempt_at', { withTimezone: true }).notNull().defaultNow(),
    sentAt: timestamp('sent_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow()
  },
  (t) => [index('notice_emails_due_idx').on(t.state, t.nextAttemptAt)]
)

export type NoticeEmail = typeof noticeEmails.$inferSelect
