import { sql } from 'drizzle-orm'
import { index, integer, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core'
import { web } from '../db/schema.ts'
import { users } from '../domain/user.ts'
import type { Language } from '../domain/languages.ts'
import { media } from '../media/model.ts'

/**
 * A recording is heard only once `ready`. Contributions arrive `needs_review`; `draft` is for clips
 * prepared but not yet offered; `rejected` and `replaced` (an older ready clip) are kept for history.
 */
export const CLIP_STATUSES = ['draft', 'needs_review', 'ready', 'rejected', 'replaced'] as const
export type ClipStatus = (typeof CLIP_STATUSES)[number]

/**
 * Audio for one target in one language. A target is a UI slug (`nav.jobs`, the `data-audio-slug`
 * of a control) or a field of an object (`job.<id>.title`, `job.<id>.description`).
 */
export const audioClips = web.table(
  'audio_clips',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    target: text('target').notNull(),
    language: text('language').$type<Language>().notNull(),
    status: text('status').$type<ClipStatus>().notNull().default('needs_review'),
    mediaId: uuid('media_id')
      .notNull()
      .references(() => media.id),
    contributorId: uuid('contributor_id').references(() => users.id),
    reviewerId: uuid('reviewer_id').references(() => users.id),
    durationMs: integer('duration_ms'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    reviewedAt: timestamp('reviewed_at', { withTimezone: true })
  },
  (t) => [
    // At most one clip is heard per target and language; publishing another replaces it.
    uniqueIndex('audio_clips_ready_uq').on(t.target, t.language).where(sql`status = 'ready'`),
    index('audio_clips_status_idx').on(t.status, t.createdAt)
  ]
)

/** Someone asked for a recording; closed when a clip for the same target and language is published. */
export const audioRequests = web.table(
  'audio_requests',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    target: text('target').notNull(),
    language: text('language').$type<Language>().notNull(),
    requestedBy: uuid('requested_by').references(() => users.id),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    closedAt: timestamp('closed_at', { withTimezone: true }),
    closedByClipId: uuid('closed_by_clip_id').references(() => audioClips.id)
  },
  // Asking twice for the same missing audio adds nothing.
  (t) => [uniqueIndex('audio_requests_open_uq').on(t.target, t.language).where(sql`closed_at is null`)]
)

export type AudioClip = typeof audioClips.$inferSelect
export type AudioRequest = typeof audioRequests.$inferSelect
