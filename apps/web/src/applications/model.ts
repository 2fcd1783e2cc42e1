import { index, text, timestamp, unique, uuid } from 'drizzle-orm/pg-core'
import { web } from '../db/schema.ts'
import { LIMITS, lengthCheck } from '../domain/limits.ts'
import { users } from '../domain/user.ts'
import { jobs } from '../jobs/model.ts'

export const APPLICATION_STATES = ['pending', 'selected', 'rejected'] as const
export type ApplicationState = (typeof APPLICATION_STATES)[number]

export const applications = web.table(
  'applications',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    jobId: uuid('job_id')
      .notNull()
      .references(() => jobs.id),
    applicantId: uuid('applicant_id')
      .notNull()
      .references(() => users.id),
    note: text('note').notNull().default(''),
    audioId: uuid('audio_id'),
    videoId: uuid('video_id'),
    imageId: uuid('image_id'),
    state: text('state').$type<ApplicationState>().notNull().default('pending'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow()
  },
  // Apply once per job, enforced by the database.
  (t) => [
    lengthCheck('applications_note_len', t.note, LIMITS.applicationNote),
    unique('applications_once').on(t.jobId, t.applicantId), index('applications_applicant_idx').on(t.applicantId)]
)

export type Application = typeof applications.$inferSelect
