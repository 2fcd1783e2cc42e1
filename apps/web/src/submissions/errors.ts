import type { ErrorStatus } from '../http/errors.ts'

export const submissionErrorStatus = {
  not_selected: 403,
  wrong_deliverable: 422,
  empty_submission: 422,
  already_submitted: 409,
  /** Sending back or declining needs a reason, typed or spoken. */
  reason_required: 422,
  /** Every round of changes allowed for this submission was used. */
  no_change_rounds: 409
} as const satisfies ErrorStatus
export type SubmissionError = keyof typeof submissionErrorStatus
