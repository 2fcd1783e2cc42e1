import type { PayoutFixed, WalletAddressProblem, WebhookDelivery } from '@voces/payments-contract'

/**
 * The one boundary between the web app and services/payments. Everything the app knows about that
 * service's HTTP API is in this folder; the rest of the app codes against this interface, and tests
 * pass a fake (fake.ts) or the real HTTP client (http.ts) against the real service.
 * Money crosses this boundary as strings: decimal strings where the service's API uses them
 * ("12.50"), integer minor-unit strings inside Open Payments amounts.
 */

export interface OpenPaymentsAmount {
  value: string
  assetCode: string
  assetScale: number
}

export interface StartQuoteInput {
  offerId: string
  buyerWalletAddressUrl: string
  /** Decimal string, e.g. "100.00". */
  amount: string
  returnUrl: string
}

export interface StartedQuote {
  pendingId: string
  redirectUrl: string
  paymentUrl: string
  incomingPaymentId: string
  quoteId: string
  amount: string
  assetCode: string
  quote: {
    debitAmount: OpenPaymentsAmount
    receiveAmount: OpenPaymentsAmount
    fee?: OpenPaymentsAmount | undefined
    expiresAt?: string | undefined
  }
}

/**
 * The statuses the job page shows. The service's own states map onto these one to one, except that
 * its `starting` reads as `awaiting_consent` and `authorized`/`sending` as `paying`. `needs_review`:
 * the wallet has not confirmed that the money arrived by the payment's deadline; the service keeps
 * checking and an operator can reconcile it (never final, never funded). `unknown`: the service sent
 * a state this app does not know — logged as an error and shown as such, never guessed.
 */
export type RemotePaymentStatus = 'awaiting_consent' | 'paying' | 'needs_review' | 'completed' | 'failed' | 'rejected' | 'expired' | 'unknown'

/**
 * What the buyer's wallet's last unsigned redirect said instead of approving: `grant_rejected` (the
 * person declined at the wallet), `invalid_interaction` (the approval window at the wallet closed), or
 * another value (the wallet could not go on). Anyone can type such a URL: it is shown, never acted on.
 */
export type WalletResult = string

export interface PaymentStatus {
  pendingId: string
  status: RemotePaymentStatus
  /** What escrow received so far (minor units), when known. */
  receivedAmount?: OpenPaymentsAmount | undefined
  /** What the buyer's wallet is debited beyond what escrow receives, when both are in one asset. */
  fee?: OpenPaymentsAmount | undefined
  walletResult?: WalletResult | undefined
  /** The service's failure code (e.g. `payment_failed`, `consent_expired`, `superseded`): why, for people. */
  failureCode?: string | undefined
  failureReason?: string | undefined
}

/** A payout's state at the payments service; `needs_review` and `unknown` as for payments. */
export type PayoutStatus = 'pending' | 'sending' | 'needs_review' | 'completed' | 'failed' | 'unknown'

export interface PayoutInput {
  receiverWalletAddressUrl: string
  /** Decimal string at the asset's scale. */
  amount: string
  /** `receive`: the receiver gets exactly `amount` (escrow pays the fee on top); `send`: `amount` leaves escrow. */
  fixed: 'receive' | 'send'
  /** Idempotency key: the same reference never pays twice. */
  reference: string
}

export interface PayoutResult {
  id: string
  status: PayoutStatus
  /** Which side the service fixed (a fixed-receive payout to a wallet in another asset goes as `send`). */
  fixed?: 'receive' | 'send' | undefined
  /** The amount asked for (the escrow wallet's asset). */
  amount?: OpenPaymentsAmount | undefined
  /** What leaves escrow under the quote, fees included (known once quoted). */
  debitAmount?: OpenPaymentsAmount | undefined
  /** What the receiver's wallet receives, in its own asset (known once quoted). */
  receiveAmount?: OpenPaymentsAmount | undefined
  /** What the escrow wallet reports sent, fees excluded (display only). */
  sentAmount?: OpenPaymentsAmount | undefined
  /** debitAmount − receiveAmount, when both are in one asset: what the payout cost in fees. */
  fee?: OpenPaymentsAmount | undefined
  failureReason?: string | undefined
}

export interface WalletInfo {
  id: string
  assetCode: string
  assetScale: number
}

/** The contract's types features use: which side of a payout is fixed; one webhook delivery attempt (for operators). */
export type { PayoutFixed, WebhookDelivery }

export interface PayoutGrantInput {
  /** Decimal string: the most the standing grant may pay out (per interval, if given). */
  debitLimit: string
  /** ISO 8601 repeating interval, e.g. R/2026-01-01T00:00:00Z/P1M. */
  interval?: string | undefined
  /** Where the wallet owner's browser comes back to, with ?payoutGrant=<id>&status=<state>. */
  returnUrl: string
}

/**
 * Why a call failed, as a value: 'unreachable' (network/5xx), 'rejected' (4xx from the service),
 * 'conflict' (409 reference_conflict: the idempotency key was already used, with other details).
 */
export interface PaymentsFailure {
  error: 'unreachable' | 'rejected' | 'not_found' | 'conflict'
  message: string
  /** When a wallet address was the problem: why (the service says so), so the person is told the real cause. */
  reason?: WalletAddressProblem | undefined
}

export type Result<T> = { ok: true; value: T } | ({ ok: false } & PaymentsFailure)

export interface PaymentsClient {
  startQuote(input: StartQuoteInput): Promise<Result<StartedQuote>>
  getPaymentStatus(pendingId: string): Promise<Result<PaymentStatus>>
  listOfferPayments(offerId: string): Promise<Result<PaymentStatus[]>>
  createPayout(input: PayoutInput): Promise<Result<PayoutResult>>
  getPayout(id: string): Promise<Result<PayoutResult>>
  /** Operators: check the wallets at once for a payment (e.g. one in needs_review) and settle it if possible. */
  reconcilePayment(pendingId: string): Promise<Result<PaymentStatus>>
  /** Operators: the same for a payout. */
  reconcilePayout(id: string): Promise<Result<PayoutResult>>
  checkWallet(walletAddressUrl: string): Promise<Result<WalletInfo>>
  /**
   * What one payout of `amount` (decimal) would cost escrow in fees now, in minor units of escrow's asset: fixed
   * receive (a creator's pay, the fee on top) by default, or fixed send (a refund, the fee out of it).
   */
  quotePayoutFee(amount: string, fixed?: PayoutFixed): Promise<Result<OpenPaymentsAmount>>
  /** Operators: connect the escrow wallet for payouts; the value is the wallet's consent URL. */
  startPayoutGrant(input: PayoutGrantInput): Promise<Result<{ redirectUrl: string }>>
  /** Operators: the webhook delivery log, newest first. */
  listWebhookDeliveries(limit: number): Promise<Result<WebhookDelivery[]>>
}
