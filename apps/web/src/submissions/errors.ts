import type { ErrorStatus } from '../http/errors.ts'

export const submissionErrorStatus = {
  not_selected: 403,
  wrong_deliverable: 422,
  empty_submission: 422,
  already_submitted: 409
} as const satisfies ErrorStatus
export type SubmissionError = keyof typeof submissionErrorStatus
