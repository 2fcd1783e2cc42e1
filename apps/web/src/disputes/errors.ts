import type { ErrorStatus } from '../http/errors.ts'

export const disputeErrorStatus = {
  /** This submission had a dispute already (one per submission). */
  already_disputed: 409,
  /** Opening a dispute needs a reason. */
  dispute_reason_required: 422,
  /** A split must give the creator more than nothing and less than the whole pay. */
  invalid_split: 422,
  /** The person deciding did not tick "I understand what happens to the money". */
  confirm_required: 422
} as const satisfies ErrorStatus
export type DisputeError = keyof typeof disputeErrorStatus
