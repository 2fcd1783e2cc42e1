import { index, text, timestamp, unique, uuid } from 'drizzle-orm/pg-core'
import { web } from '../db/schema.ts'
import { LIMITS, lengthCheck } from '../domain/limits.ts'
import { users } from '../domain/user.ts'
import { jobs } from '../jobs/model.ts'

/** draft → submitted → accepted | declined; accepted → complete when the creator marks it so. */
export const SUBMISSION_STATES = ['draft', 'submitted', 'accepted', 'declined', 'complete'] as const
export type SubmissionState = (typeof SUBMISSION_STATES)[number]

export const submissions = web.table(
  'submissions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    jobId: uuid('job_id')
      .notNull()
      .references(() => jobs.id),
    creatorId: uuid('creator_id')
      .notNull()
      .references(() => users.id),
    text: text('text').notNull().default(''),
    textFileId: uuid('text_file_id'),
    audioId: uuid('audio_id'),
    videoId: uuid('video_id'),
    imageId: uuid('image_id'),
    state: text('state').$type<SubmissionState>().notNull().default('draft'),
    submittedAt: timestamp('submitted_at', { withTimezone: true }),
    decidedAt: timestamp('decided_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow()
  },
  (t) => [
    lengthCheck('submissions_text_len', t.text, LIMITS.submissionText),
    unique('submissions_once').on(t.jobId, t.creatorId), index('submissions_creator_idx').on(t.creatorId)]
)

export type Submission = typeof submissions.$inferSelect
