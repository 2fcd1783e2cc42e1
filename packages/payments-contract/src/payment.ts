import { z } from 'zod'
import { Amount, Failure, isoDate } from './amount.ts'

/**
 * A payment's states. `needs_review`: sent, but the wallets did not settle it either way by its
 * deadline; still checked, and an operator can reconcile it. Final: completed, failed, rejected, expired.
 */
export const PaymentState = z.enum(['starting', 'awaiting_consent', 'authorized', 'sending', 'needs_review', 'completed', 'failed', 'rejected', 'expired'])
export type PaymentState = z.infer<typeof PaymentState>
export const finalPaymentStates = ['completed', 'failed', 'rejected', 'expired'] as const satisfies readonly PaymentState[]

export const PaymentView = z.object({
  pendingId: z.string(),
  offerId: z.string(),
  sellerId: z.string(),
  buyerWalletAddressUrl: z.string(),
  status: PaymentState,
  /** What escrow is to receive, in the seller wallet's asset. */
  amount: Amount,
  /** What the buyer's wallet is debited (the quote), fees included. */
  debitAmount: Amount.nullable(),
  /** What escrow receives under the quote. */
  receiveAmount: Amount.nullable(),
  /** What the buyer's wallet reports sent, its fees excluded: shown, never a measure of arrival. */
  sentAmount: Amount.nullable(),
  /** What the escrow's incoming payment has received, as last read. */
  receivedAmount: Amount.nullable(),
  /** Debit minus receive, when both are in one asset. */
  fee: Amount.nullable(),
  /** What the wallet's last unsigned redirect said instead of approving; shown, never acted on. */
  walletResult: z.string().nullable(),
  settleBy: isoDate.nullable(),
  incomingPaymentId: z.string().nullable(),
  quoteId: z.string().nullable(),
  quoteExpiresAt: isoDate.nullable(),
  outgoingPaymentId: z.string().nullable(),
  consentExpiresAt: isoDate.nullable(),
  failure: Failure.nullable(),
  createdAt: isoDate,
  updatedAt: isoDate,
  completedAt: isoDate.nullable()
})
export type PaymentView = z.infer<typeof PaymentView>

export const StartPaymentBody = z.object({
  sellerId: z.string().min(1).max(200),
  buyerWalletAddressUrl: z.string().max(2048),
  amount: z.string().max(40),
  returnUrl: z.string().max(2048).optional()
})
export type StartPaymentBody = z.infer<typeof StartPaymentBody>

export const StartPaymentResponse = z.object({
  success: z.literal(true),
  /** false when an identical start was already open and is returned as it is. */
  created: z.boolean(),
  redirectUrl: z.string().nullable(),
  paymentUrl: z.string().nullable(),
  pendingId: z.string(),
  status: PaymentState,
  incomingPaymentId: z.string().nullable(),
  quoteId: z.string().nullable(),
  amount: z.string(),
  assetCode: z.string(),
  assetScale: z.number().int(),
  quote: z.object({
    id: z.string().nullable(),
    debitAmount: Amount.nullable(),
    receiveAmount: Amount.nullable(),
    fee: Amount.nullable(),
    expiresAt: isoDate.nullable()
  }),
  returnUrl: z.string().nullable(),
  consentExpiresAt: isoDate.nullable()
})
export type StartPaymentResponse = z.infer<typeof StartPaymentResponse>

export const PaymentStatusResponse = z.object({ success: z.literal(true), pendingId: z.string(), status: PaymentState, payment: PaymentView })
export type PaymentStatusResponse = z.infer<typeof PaymentStatusResponse>

export const PaymentHistoryResponse = z.object({ success: z.literal(true), payments: z.array(PaymentView) })
export type PaymentHistoryResponse = z.infer<typeof PaymentHistoryResponse>
