import type { WalletAddressProblem } from '@voces/payments-contract'
import type { ErrorStatus } from '../http/errors.ts'
import type { PaymentsFailure } from './types.ts'

/** What a feature answers when the payments service or a wallet behind it fails (users, funding). */
export const paymentsErrorStatus = {
  /** The payments service did not answer. */
  payments_unavailable: 502,
  /** The wallet at that address did not answer (its fault; not the payments service's, nor a typo). */
  wallet_unreachable: 422,
  /** Neither a URL nor a payment pointer. */
  wallet_invalid: 422,
  /** No such host, or no such wallet on it. */
  wallet_not_found: 422,
  /** Something answered, but not with an Open Payments wallet address document. */
  wallet_not_a_wallet: 422,
  /** Refused by the payments service's guard (private or loopback network, plain http). */
  wallet_not_allowed: 422,
  /** A wallet refused a request, for no cause the service named. */
  wallet_refused: 422
} as const satisfies ErrorStatus
export type PaymentsError = keyof typeof paymentsErrorStatus

const walletProblemError: Record<WalletAddressProblem, PaymentsError> = {
  invalid: 'wallet_invalid',
  not_found: 'wallet_not_found',
  not_a_wallet: 'wallet_not_a_wallet',
  unreachable: 'wallet_unreachable',
  not_allowed: 'wallet_not_allowed'
}

/**
 * What the person is told when a call involving their wallet failed: the wallet's real cause when
 * the service named one; "the payments service is not answering" only when it is that service.
 */
export function walletCallError(failure: PaymentsFailure): PaymentsError {
  if (failure.reason) return walletProblemError[failure.reason]
  return failure.error === 'unreachable' ? 'payments_unavailable' : 'wallet_refused'
}
