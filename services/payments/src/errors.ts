import { OpenPaymentsClientError } from '@interledger/open-payments'
import type { WalletAddressProblem } from '@voces/payments-contract'

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

/** Failures of payments (funding escrow). */
export const PaymentError = {
  UnknownPayment: 'unknown_payment',
  StartInProgress: 'start_in_progress',
  QuoteExpired: 'quote_expired'
} as const
export type PaymentError = (typeof PaymentError)[keyof typeof PaymentError]

const paymentErrorStatus: { [k in PaymentError]: number } = {
  unknown_payment: 404,
  start_in_progress: 409,
  quote_expired: 409
}

/** Failures of payouts and the escrow's standing grant. */
export const PayoutError = {
  UnknownPayout: 'unknown_payout',
  ReferenceConflict: 'reference_conflict',
  NoPayoutGrant: 'no_payout_grant',
  UnknownPayoutGrant: 'unknown_payout_grant'
} as const
export type PayoutError = (typeof PayoutError)[keyof typeof PayoutError]

const payoutErrorStatus: { [k in PayoutError]: number } = {
  unknown_payout: 404,
  reference_conflict: 409,
  no_payout_grant: 409,
  unknown_payout_grant: 404
}

/** Failures of sellers and their keys. */
export const SellerError = {
  UnknownSeller: 'unknown_seller',
  SellerExists: 'seller_exists',
  InvalidSellerKey: 'invalid_seller_key'
} as const
export type SellerError = (typeof SellerError)[keyof typeof SellerError]

const sellerErrorStatus: { [k in SellerError]: number } = {
  unknown_seller: 404,
  seller_exists: 409,
  invalid_seller_key: 400
}

export type ErrorCode = CommonError | PaymentError | PayoutError | SellerError

const commonErrorStatus: { [k in CommonError]: number } = {
  unauthorized: 401,
  invalid_request: 400,
  invalid_amount: 400,
  not_found: 404,
  wallet_rejected: 502,
  wallet_unavailable: 503,
  invalid_wallet_address: 400,
  return_url_not_allowed: 400
}

/**
 * Every expected failure of the service and its HTTP status, in one module below every feature;
 * a new code without a status does not compile.
 */
export const errorStatus: { [k in ErrorCode]: number } = {
  ...commonErrorStatus,
  ...paymentErrorStatus,
  ...payoutErrorStatus,
  ...sellerErrorStatus
}

/**
 * An expected failure, returned as a value rather than thrown. `message` is safe to show to the
 * API caller; `step` names the wallet call that failed.
 */
export interface Failure {
  readonly failure: ErrorCode
  readonly message: string
  readonly step?: WalletStep | undefined
  readonly details?: Record<string, unknown> | undefined
  /** Why a wallet address cannot be used, for the person who typed it (sent in the error body). */
  readonly reason?: WalletAddressProblem | undefined
}

export function fail(code: ErrorCode, message: string, extra: Pick<Failure, 'step' | 'details' | 'reason'> = {}): Failure {
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
