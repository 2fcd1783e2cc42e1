import { index, integer, text, timestamp, unique, uuid } from 'drizzle-orm/pg-core'
import { web } from '../db/schema.ts'
import { LIMITS, lengthCheck } from '../domain/limits.ts'
import { users } from '../domain/user.ts'
import { jobs } from '../jobs/model.ts'

/**
 * draft → submitted → accepted | declined | changes_requested (→ submitted again); accepted → complete when
 * the creator marks it so. submitted, changes_requested or declined → disputed while an admin decides
 * (→ accepted when released or split, → declined when refunded). Not decided within the review window, a
 * submitted one is accepted automatically (auto-release).
 */
export const SUBMISSION_STATES = ['draft', 'submitted', 'changes_requested', 'accepted', 'declined', 'disputed', 'complete'] as const
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
    /** The funder's last reason (changes requested or declined), typed and/or spoken (a media row). */
    reviewReason: text('review_reason'),
    reviewAudioId: uuid('review_audio_id'),
    /** Rounds of changes requested so far. */
    changeRounds: integer('change_rounds').notNull().default(0),
    /**
     * Auto-release queue (platform claimDue): when the next automatic step is due while submitted —
     * first the "coming" notice (2 days before), then the release itself.
     */
    nextAttemptAt: timestamp('release_step_at', { withTimezone: true }),
    releaseNoticeAt: timestamp('release_notice_at', { withTimezone: true }),
    /** Set when the review window ran out and the submission was accepted automatically. */
    autoReleasedAt: timestamp('auto_released_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow()
  },
  (t) => [
    lengthCheck('submissions_text_len', t.text, LIMITS.submissionText),
    unique('submissions_once').on(t.jobId, t.creatorId),
    index('submissions_creator_idx').on(t.creatorId),
    index('submissions_release_idx').on(t.state, t.nextAttemptAt)
  ]
)

export type Submission = typeof submissions.$inferSelect
