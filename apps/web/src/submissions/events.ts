import type { Tx } from '@voces/platform'
import type { Job } from '../jobs/model.ts'
import type { Submission } from './model.ts'

/**
 * What happened to a submission, told inside the transaction that did it (so a durable outbox, e.g.
 * notices, records it exactly once with the change). app.ts wires them.
 */
export interface SubmissionEvent {
  job: Job
  submission: Submission
}
export type SubmissionListener = (tx: Tx, event: SubmissionEvent) => Promise<void>

export interface SubmissionEvents {
  /** The funder sent the work back with a reason. */
  onChangesRequested: SubmissionListener
  /** The creator sent it again after changes were requested. */
  onResubmitted: SubmissionListener
  /** Two days (or less) before the review window ends: it will be accepted and paid at `submission.nextAttemptAt`. */
  onAutoReleaseSoon: SubmissionListener
  /** The review window ended: accepted and its payout recorded. */
  onAutoReleased: SubmissionListener
}

export const noSubmissionEvents: SubmissionEvents = {
  onChangesRequested: async () => {},
  onResubmitted: async () => {},
  onAutoReleaseSoon: async () => {},
  onAutoReleased: async () => {}
}
