import type { Logger, Tx } from '@voces/platform'
import type { SubmissionEvents, SubmissionEvent } from './submissions/events.ts'
import type { DisputeEvent, DisputeEvents } from './disputes/service.ts'
import type { ApplicationEvents } from './applications/service.ts'
import type { NoticeEvents } from './notices/events.ts'

/**
 * The events of reviews (changes requested, resubmitted, auto-release coming / done), disputes (opened,
 * decided) and applications (withdrawn, not chosen), told to the people concerned. Each listener runs
 * inside the transaction that made the change, so its notice (and email) is written exactly once.
 * "Not chosen" is told when the work starts (NoticeEvents.workStarted), so here it is only logged.
 */
export function reviewEvents(logger: Logger, tell: NoticeEvents): SubmissionEvents & DisputeEvents & ApplicationEvents {
  const logged =
    <E extends SubmissionEvent | DisputeEvent>(event: string, then: (tx: Tx, e: E) => Promise<void>) =>
    async (tx: Tx, e: E) => {
      logger.info({ event, jobId: e.job.id, submissionId: e.submission.id }, 'review event')
      await then(tx, e)
    }
  return {
    onChangesRequested: logged('changes_requested', (tx, { job, submission }: SubmissionEvent) =>
      tell.changesRequested(tx, job, submission, submission.reviewReason ?? '', submission.changeRounds)
    ),
    onResubmitted: logged('resubmitted', (tx, { job, submission }: SubmissionEvent) => tell.submissionReceived(tx, job, submission, submission.changeRounds + 1)),
    onAutoReleaseSoon: logged('auto_release_soon', (tx, { job, submission }: SubmissionEvent) => tell.autoReleaseSoon(tx, job, submission)),
    onAutoReleased: logged('auto_released', (tx, { job, submission }: SubmissionEvent) => tell.autoReleased(tx, job, submission)),
    onDisputeOpened: logged('dispute_opened', (tx, { job, submission }: DisputeEvent) => tell.disputeOpened(tx, job, submission)),
    onDisputeDecided: logged('dispute_decided', async (tx, { job, submission, dispute }: DisputeEvent) => {
      if (dispute.decision) await tell.disputeDecided(tx, job, submission, dispute.decision as 'release' | 'refund' | 'split')
    }),
    async onApplicationWithdrawn(tx, e) {
      logger.info({ event: 'application_withdrawn', jobId: e.job.id, applicantId: e.application.applicantId }, 'review event')
      await tell.applicationWithdrawn(tx, e.job, e.application)
    },
    async onNotChosen(_tx, e) {
      logger.info({ event: 'not_chosen', jobId: e.job.id, applicantId: e.application.applicantId }, 'review event')
    }
  }
}
