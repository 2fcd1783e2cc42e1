import { combineErrorStatus, commonErrorStatus } from './http/errors.ts'
import { paymentsErrorStatus } from './payments-client/errors.ts'
import { userErrorStatus } from './users/errors.ts'
import { mediaErrorStatus } from './media/errors.ts'
import { jobErrorStatus } from './jobs/errors.ts'
import { applicationErrorStatus } from './applications/errors.ts'
import { submissionErrorStatus } from './submissions/errors.ts'
import { fundingErrorStatus } from './funding/errors.ts'
import { audioErrorStatus } from './audio/errors.ts'
import { disputeErrorStatus } from './disputes/errors.ts'
import { testWalletErrorStatus } from './test-wallet/errors.ts'
import { outboxErrorStatus } from './outbox/errors.ts'

/** Every expected failure in the app with its HTTP status: each feature's own map, combined. */
export const errorStatus = combineErrorStatus(
  commonErrorStatus,
  paymentsErrorStatus,
  userErrorStatus,
  mediaErrorStatus,
  jobErrorStatus,
  applicationErrorStatus,
  submissionErrorStatus,
  fundingErrorStatus,
  audioErrorStatus,
  disputeErrorStatus,
  testWalletErrorStatus,
  outboxErrorStatus
)
export type AppError = keyof typeof errorStatus
