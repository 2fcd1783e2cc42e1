import type { UserError } from '../users/errors.ts'
import type { JobError } from '../jobs/errors.ts'
import type { ApplicationError } from '../applications/errors.ts'
import type { SubmissionError } from '../submissions/errors.ts'
import type { MediaError } from '../media/errors.ts'
import type { FundingError } from '../payments/errors.ts'
import type { AudioError } from '../audio/errors.ts'

/** Every expected failure in the app, as a string value a service returns. */
export type AppError = UserError | JobError | ApplicationError | SubmissionError | MediaError | FundingError | AudioError | CommonError
export type CommonError = 'internal' | 'not_found' | 'forbidden' | 'invalid_input' | 'csrf' | 'rate_limited' | 'login_required'

/**
 * Complete map from each failure to its HTTP status: adding an error without a status fails the type check.
 * The user-facing message is the i18n key `errors.<code>`, in the user's language.
 */
export const errorStatus: { [K in AppError]: number } = {
  internal: 500,
  not_found: 404,
  forbidden: 403,
  invalid_input: 422,
  csrf: 403,
  rate_limited: 429,
  login_required: 401,
  username_taken: 409,
  invalid_credentials: 401,
  wallet_unreachable: 422,
  weak_password: 422,
  invalid_username: 422,
  invalid_amount: 422,
  invalid_state: 409,
  invalid_dates: 422,
  missing_text: 422,
  no_deliverables: 422,
  invalid_numbers: 422,
  own_job: 403,
  already_applied: 409,
  not_recruiting: 409,
  not_selected: 403,
  wrong_deliverable: 422,
  empty_submission: 422,
  already_submitted: 409,
  full: 409,
  file_too_large: 413,
  file_type: 415,
  no_wallet: 422,
  payments_unavailable: 502,
  already_funded: 409,
  funding_in_progress: 409,
  invalid_target: 422,
  already_reviewed: 409,
  audio_too_long: 422
}

export function isAppError(value: unknown): value is AppError {
  return typeof value === 'string' && value in errorStatus
}
