import { bigint, index, text, timestamp, uuid } from 'drizzle-orm/pg-core'
import { web } from '../db/schema.ts'
import { users } from '../domain/user.ts'
import type { MediaKind } from '../domain/deliverables.ts'

/** What a file belongs to decides who may read it (see media/service.ts canRead). */
/** `review`: a funder's spoken reason for sending work back or declining it (heard by that creator). */
export type MediaPurpose = 'profile' | 'job_reference' | 'application' | 'submission' | 'audio_clip' | 'review'

/**
 * `pending` is the intent, written before the bytes go to the store; `stored` is the record, written after.
 * Only stored rows are ever served; the sweep deletes pending rows (and their objects) after a grace period.
 */
export type MediaState = 'pending' | 'stored'

export const media = web.table(
  'media',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    ownerId: uuid('owner_id')
      .notNull()
      .references(() => users.id),
    purpose: text('purpose').$type<MediaPurpose>().notNull(),
    jobId: uuid('job_id'),
    kind: text('kind').$type<MediaKind>().notNull(),
    mime: text('mime').notNull(),
    sizeBytes: bigint('size_bytes', { mode: 'number' }).notNull(),
    storageKey: text('storage_key').notNull().unique(),
    state: text('state').$type<MediaState>().notNull().default('stored'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow()
  },
  (t) => [index('media_owner_idx').on(t.ownerId), index('media_created_idx').on(t.createdAt)]
)

export type Media = typeof media.$inferSelect
