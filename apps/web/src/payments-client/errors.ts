import type { ErrorStatus } from '../http/errors.ts'

/** What a feature answers when the payments service or a wallet behind it fails (users, funding). */
export const paymentsErrorStatus = {
  /** The payments service did not answer. */
  payments_unavailable: 502,
  /** The address is not an Open Payments wallet the payments service can reach. */
  wallet_unreachable: 422
} as const satisfies ErrorStatus
export type PaymentsError = keyof typeof paymentsErrorStatus
