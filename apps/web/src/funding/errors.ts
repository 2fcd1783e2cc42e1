import type { ErrorStatus } from '../http/errors.ts'

export const fundingErrorStatus = {
  no_wallet: 422,
  already_funded: 409,
  funding_in_progress: 409
} as const satisfies ErrorStatus
export type FundingError = keyof typeof fundingErrorStatus
