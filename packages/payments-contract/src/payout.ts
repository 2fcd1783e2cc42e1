import { z } from 'zod'
import { Amount, Failure, isoDate } from './amount.ts'

/**
 * Which side of a payout is fixed: `receive` (the receiver gets exactly the amount; the fee is added
 * to what leaves escrow) or `send` (exactly the amount leaves escrow; the fee comes out of it). A
 * `receive` payout to a wallet in another asset cannot be fixed in the escrow's asset: it is sent
 * as `send` and its view says so (`fixed: 'send'`), with what the receiver gets in her asset.
 */
export const PayoutFixed = z.enum(['receive', 'send'])
export type PayoutFixed = z.infer<typeof PayoutFixed>

/** A payout's states; `needs_review` as for payments. Final: completed, failed. */
export const PayoutState = z.enum(['pending', 'sending', 'needs_review', 'completed', 'failed'])
export type PayoutState = z.infer<typeof PayoutState>

export const PayoutView = z.object({
  id: z.string(),
  reference: z.string(),
  sellerId: z.string(),
  receiverWalletAddressUrl: z.string(),
  status: PayoutState,
  /**
   * `receive`: `amount` is what the receiver's wallet gets, exactly (the escrow wallet's fee is added
   * on top of it); `send`: `amount` is what leaves escrow (the fee comes out of it).
   */
  fixed: PayoutFixed,
  /** The amount asked for, in the escrow wallet's asset (see `fixed`). */
  amount: Amount,
  /** What leaves escrow under the quote, fees included, in the escrow wallet's asset. */
  debitAmount: Amount.nullable(),
  /** What the receiver's wallet gets under the quote, in its own asset. */
  receiveAmount: Amount.nullable(),
  /** What the escrow wallet reports sent, its fees excluded. */
  sentAmount: Amount.nullable(),
  /** What the receiver's incoming payment has received, as last read. */
  receivedAmount: Amount.nullable(),
  /** What leaves escrow minus what the receiver gets, when both are in one asset: what the payout cost. */
  fee: Amount.nullable(),
  settleBy: isoDate.nullable(),
  incomingPaymentId: z.string().nullable(),
  quoteId: z.string().nullable(),
  outgoingPaymentId: z.string().nullable(),
  /** A final failure, or (code `retrying`) why the last attempt did not go through. */
  failure: Failure.nullable(),
  createdAt: isoDate,
  updatedAt: isoDate,
  completedAt: isoDate.nullable()
})
export type PayoutView = z.infer<typeof PayoutView>

export const CreatePayoutBody = z.object({
  sellerId: z.string().min(1).max(200),
  receiverWalletAddressUrl: z.string().max(2048),
  amount: z.string().max(40),
  fixed: PayoutFixed,
  reference: z.string().min(1).max(200)
})
export type CreatePayoutBody = z.infer<typeof CreatePayoutBody>

export const PayoutResponse = z.object({ success: z.literal(true), created: z.boolean().optional(), payout: PayoutView })
export type PayoutResponse = z.infer<typeof PayoutResponse>

export const PayoutGrantState = z.enum(['awaiting_consent', 'active', 'rejected', 'expired', 'replaced'])
export const PayoutGrantView = z.object({
  id: z.string(),
  sellerId: z.string(),
  status: PayoutGrantState,
  redirectUrl: z.string().nullable(),
  limit: Amount,
  interval: z.string().nullable(),
  createdAt: isoDate
})
export type PayoutGrantView = z.infer<typeof PayoutGrantView>

export const PayoutGrantBody = z.object({ debitLimit: z.string().max(40), interval: z.string().max(100).optional(), returnUrl: z.string().max(2048).optional() })
export const PayoutGrantResponse = z.object({ success: z.literal(true), redirectUrl: z.string().nullable(), payoutGrant: PayoutGrantView })
export type PayoutGrantResponse = z.infer<typeof PayoutGrantResponse>

/**
 * What paying `amount` out of a seller's escrow would cost now: the escrow wallet's own quote for a
 * payment into an incoming payment on the same wallet, never sent. `fixed` as for a payout (default
 * `receive`: the receiver gets `amount`, the fee is added; `send`: `amount` leaves, the fee comes out).
 */
export const PayoutFeeQuoteBody = z.object({ amount: z.string().max(40), fixed: PayoutFixed.optional() })
export type PayoutFeeQuoteBody = z.infer<typeof PayoutFeeQuoteBody>
export const PayoutFeeQuoteResponse = z.object({
  success: z.literal(true),
  /** What the receiver would get. */
  receiveAmount: Amount,
  /** What would leave escrow, fee included. */
  debitAmount: Amount,
  /** debitAmount − receiveAmount. */
  fee: Amount
})
export type PayoutFeeQuoteResponse = z.infer<typeof PayoutFeeQuoteResponse>
