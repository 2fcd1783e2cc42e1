import type { Logger, Tx } from '@voces/platform'
import type { SubmissionEvents, SubmissionEvent } from './submissions/events.ts'
import type { DisputeEvent, DisputeEvents } from './disputes/service.ts'
import type { ApplicationEvents } from './applications/service.ts'

/**
 * The events of reviews (changes requested, resubmitted, auto-release coming / done), disputes (opened,
 * decided) and applications (withdrawn, not chosen). Each listener runs inside the transaction that made
 * the change, so an outbox written here (notices, issue 10) records it exactly once. For now: a log line.
 */
export function reviewEvents(logger: Logger): SubmissionEvents & DisputeEvents & ApplicationEvents {
  const onSubmission = (event: string) => async (_tx: Tx, e: SubmissionEvent) => {
    logger.info({ event, jobId: e.job.id, submissionId: e.submission.id, creatorId: e.submission.creatorId }, 'review event')
  }
  const onDispute = (event: string) => async (_tx: Tx, e: DisputeEvent) => {
    logger.info({ event, jobId: e.job.id, submissionId: e.submission.id, disputeId: e.dispute.id, decision: e.dispute.decision }, 'review event')
  }
  return {
    onChangesRequested: onSubmission('changes_requested'),
    onResubmitted: onSubmission('resubmitted'),
    onAutoReleaseSoon: onSubmission('auto_release_soon'),
    onAutoReleased: onSubmission('auto_released'),
    onDisputeOpened: onDispute('dispute_opened'),
    onDisputeDecided: onDispute('dispute_decided'),
    async onApplicationWithdrawn(_tx, e) {
      logger.info({ event: 'application_withdrawn', jobId: e.job.id, applicantId: e.application.applicantId }, 'review event')
    },
    async onNotChosen(_tx, e) {
      logger.info({ event: 'not_chosen', jobId: e.job.id, applicantId: e.application.applicantId }, 'review event')
    }
  }
}
