import type { ErrorStatus } from '../http/errors.ts'

/** Failures about a job, also answered by the features built on it (applications, submissions, funding, payouts). */
export const jobErrorStatus = {
  invalid_amount: 422,
  invalid_state: 409,
  invalid_dates: 422,
  missing_text: 422,
  no_deliverables: 422,
  invalid_numbers: 422,
  /** The job already has as many people as it wants (selected or accepted). */
  full: 409,
  /** Escrow does not yet hold the pay (and payout fees) of everyone selected: fund it first. */
  underfunded: 409
} as const satisfies ErrorStatus
export type JobError = keyof typeof jobErrorStatus
