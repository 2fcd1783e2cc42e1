import { describe, expect, test } from 'vitest'
import { errorStatus } from './errors.ts'
import { combineErrorStatus } from './http/errors.ts'

describe("the features' error maps, combined", () => {
  test('every failure keeps its HTTP status', () => {
    expect(errorStatus).toEqual({
      internal: 500,
      not_found: 404,
      forbidden: 403,
      // reviews and disputes (submissions/, disputes/), notices' email, resumable uploads
      already_disputed: 409,
      confirm_required: 422,
      dispute_reason_required: 422,
      invalid_split: 422,
      no_change_rounds: 409,
      reason_required: 422,
      invalid_email: 422,
      upload_missing: 400,
      // idempotency keys of the offline queue (outbox/)
      idempotency_key_used: 409,
      still_sending: 409,
      invalid_input: 422,
      too_long: 422,
      required: 422,
      csrf: 403,
      control_characters: 400,
      malformed_body: 400,
      rate_limited: 429,
      login_required: 401,
      username_taken: 409,
      invalid_credentials: 401,
      wallet_unreachable: 422,
      wallet_invalid: 422,
      wallet_not_found: 422,
      wallet_not_a_wallet: 422,
      wallet_not_allowed: 422,
      wallet_refused: 422,
      weak_password: 422,
      invalid_username: 422,
      username_confusable: 422,
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
      underfunded: 409,
      file_too_large: 413,
      file_type: 415,
      no_wallet: 422,
      payments_unavailable: 502,
      already_funded: 409,
      funding_in_progress: 409,
      invalid_target: 422,
      already_reviewed: 409,
      audio_too_long: 422,
      test_wallet_unavailable: 502
    })
  })

  test('a failure claimed by two features is refused at start-up', () => {
    expect(() => combineErrorStatus({ full: 409 }, { full: 422 })).toThrow('error code full is declared by two features')
  })
})
