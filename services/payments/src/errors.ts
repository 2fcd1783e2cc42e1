import { OpenPaymentsClientError } from '@interledger/open-payments'
import type { PaymentError } from './payment/errors.ts'
import type { PayoutError } from './payout/errors.ts'
import type { SellerError } from './seller/errors.ts'

/** Errors any route can produce, whatever the resource. */
export const CommonError = {
  Unauthorized: 'unauthorized',
  InvalidRequest: 'invalid_request',
  InvalidAmount: 'invalid_amount',
  NotFound: 'not_found',
  /** A wallet refused a request (a 4xx answer): retrying the same request will not help. */
  WalletRejected: 'wallet_rejected',
  /** A wallet failed or timed out: the same step may succeed later. */
  WalletUnavailable: 'wallet_unavailable',
  /** A wallet address could not be fetched or is not an Open Payments wallet address. */
  InvalidWalletAddress: 'invalid_wallet_address',
  /** A browser may only be sent back to the marketplace's own origins. */
  ReturnUrlNotAllowed: 'return_url_not_allowed'
} as const
export type CommonError = (typeof CommonError)[keyof typeof CommonError]

export type ErrorCode = CommonError | PaymentError | PayoutError | SellerError

/**
 * An expected failure, returned as a value rather than thrown. `message` is safe to show to the
 * API caller; `step` names the wallet call that failed.
 */
export interface Failure {
  readonly failure: ErrorCode
  readonly message: string
  readonly step?: WalletStep | undefined
  readonly details?: Record<string, unknown> | undefined
}

export function fail(code: ErrorCode, message: string, extra: Pick<Failure, 'step' | 'details'> = {}): Failure {
  return { failure: code, message, ...extra }
}

export function isFailure(value: unknown): value is Failure {
  return typeof value === 'object' && value !== null && 'failure' in value && 'message' in value
}

/** The wallet calls a payment or payout makes, named in errors so the caller knows which one failed. */
export type WalletStep =
  | 'seller_wallet_address'
  | 'buyer_wallet_address'
  | 'receiver_wallet_address'
  | 'incoming_payment_grant'
  | 'incoming_payment'
  | 'incoming_payment_status'
  | 'incoming_payment_completion'
  | 'quote_grant'
  | 'quote'
  | 'outgoing_payment_grant'
  | 'grant_continuation'
  | 'outgoing_payment'
  | 'outgoing_payment_status'
  | 'token_rotation'

/** A wallet call failure, classified: transient ones are retried in the background where that is safe. */
export interface WalletFailure extends Failure {
  readonly failure: typeof CommonError.WalletRejected | typeof CommonError.WalletUnavailable | typeof CommonError.InvalidWalletAddress
  readonly step: WalletStep
  readonly transient: boolean
  /** HTTP status and Open Payments error code from the wallet, when it answered. */
  readonly status?: number | undefined
  readonly walletCode?: string | undefined
}

export function isWalletFailure(value: unknown): value is WalletFailure {
  return isFailure(value) && 'transient' in value
}

/** Turns anything an SDK call threw into a WalletFailure. Never includes tokens or keys. */
export function toWalletFailure(step: WalletStep, error: unknown): WalletFailure {
  if (error instanceof OpenPaymentsClientError) {
    const status = error.status
    // A response that breaks the Open Payments spec will break it again: not worth retrying.
    const invalidResponse = error.validationErrors !== undefined || /validate OpenAPI/i.test(error.description)
    const transient = !invalidResponse && (status === undefined || status >= 500 || status === 429 || status === 408)
    const description = error.validationErrors?.length
      ? `${error.description}: ${error.validationErrors.join('; ')}`
      : error.description
    return {
      failure: transient ? CommonError.WalletUnavailable : CommonError.WalletRejected,
      message: transient
        ? `The wallet did not answer the ${step.replaceAll('_', ' ')} request${status ? ` (HTTP ${status})` : ''}: ${description}`
        : `The wallet refused the ${step.replaceAll('_', ' ')} request (HTTP ${status}${error.code ? `, ${error.code}` : ''}): ${description}`,
      step,
      transient,
      status,
      walletCode: error.code
    }
  }
  const message = error instanceof Error ? error.message : String(error)
  return {
    failure: CommonError.WalletUnavailable,
    message: `The ${step.replaceAll('_', ' ')} request failed: ${message}`,
    step,
    transient: true
  }
}
