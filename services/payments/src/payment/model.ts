import { sql } from 'drizzle-orm'
import { index, integer, text, uniqueIndex } from 'drizzle-orm/pg-core'
import { at, createdAt, minorUnits, paymentsSchema, updatedAt } from '../db.ts'

/**
 * starting → awaiting_consent → authorized → sending → completed
 *     ↘ failed        ↘ rejected / expired / failed  ↘ failed   ↘ failed
 *                                          sending / authorized → needs_review → completed / failed
 * `starting` is the intent written before the first wallet call of a quote start. `needs_review`:
 * the wallets did not settle the payment either way by its deadline; it is still checked from the
 * escrow's incoming payment, and an operator can reconcile it.
 */
export const PaymentState = {
  Starting: 'starting',
  AwaitingConsent: 'awaiting_consent',
  Authorized: 'authorized',
  Sending: 'sending',
  NeedsReview: 'needs_review',
  Completed: 'completed',
  Failed: 'failed',
  Rejected: 'rejected',
  Expired: 'expired'
} as const
export type PaymentState = (typeof PaymentState)[keyof typeof PaymentState]
export const finalPaymentStates: PaymentState[] = ['completed', 'failed', 'rejected', 'expired']

export const payments = paymentsSchema.table(
  'payments',
  {
    id: text('id').primaryKey(),
    offerId: text('offer_id').notNull(),
    sellerId: text('seller_id').notNull(),
    buyerWalletAddressUrl: text('buyer_wallet_address_url').notNull(),
    state: text('state').$type<PaymentState>().notNull(),
    /** What the seller receives, in the seller wallet's asset. */
    amountValue: minorUnits('amount_value').notNull(),
    assetCode: text('asset_code').notNull(),
    assetScale: integer('asset_scale').notNull(),
    returnUrl: text('return_url'),
    // The buyer's wallet address document at start; the finish hash binds to its authServer.
    buyerWalletAddressId: text('buyer_wallet_address_id'),
    buyerAuthServer: text('buyer_auth_server'),
    buyerResourceServer: text('buyer_resource_server'),
    incomingPaymentId: text('incoming_payment_id'),
    quoteId: text('quote_id'),
    quoteExpiresAt: at('quote_expires_at'),
    debitValue: minorUnits('debit_value'),
    debitAssetCode: text('debit_asset_code'),
    debitAssetScale: integer('debit_asset_scale'),
    receiveValue: minorUnits('receive_value'),
    /** The buyer's consent (the interactive grant): see consent/model.ts. */
    consentId: text('consent_id'),
    consentExpiresAt: at('consent_expires_at'),
    accessToken: text('access_token'),
    manageUrl: text('manage_url'),
    /** Set before the outgoing payment is created: a retry then looks for it before creating another. */
    createAttemptedAt: at('create_attempted_at'),
    outgoingPaymentId: text('outgoing_payment_id'),
    sentValue: minorUnits('sent_value'),
    /** What the escrow's incoming payment has received, as last read: completion is decided from it. */
    receivedValue: minorUnits('received_value'),
    /** When a sent payment must have arrived; past it an unsettled one goes to needs_review. */
    settleBy: at('settle_by'),
    failureCode: text('failure_code'),
    failureMessage: text('failure_message'),
    /** Consecutive transient failures of the current step. */
    attempts: integer('attempts').notNull().default(0),
    /** When the worker may next act on this payment; a claim pushes it forward (a lease). */
    nextAttemptAt: at('next_attempt_at'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
    completedAt: at('completed_at')
  },
  (t) => [
    // One open start per offer, seller, buyer and amount: a second start returns the first.
    uniqueIndex('payments_open_start_uq')
      .on(t.offerId, t.sellerId, t.buyerWalletAddressUrl, t.amountValue)
      .where(sql`state in ('starting', 'awaiting_consent')`),
    index('payments_offer_idx').on(t.offerId, t.createdAt),
    index('payments_due_idx')
      .on(t.nextAttemptAt)
      .where(sql`state in ('starting', 'awaiting_consent', 'authorized', 'sending', 'needs_review')`)
  ]
)

export type PaymentRow = typeof payments.$inferSelect
