import { sql } from 'drizzle-orm'
import { index, integer, text } from 'drizzle-orm/pg-core'
import { at, createdAt, minorUnits, paymentsSchema, updatedAt } from '../db.ts'

export type PayoutGrantState = 'awaiting_consent' | 'active' | 'rejected' | 'expired' | 'replaced'

/** A standing outgoing-payment grant on a seller's (escrow) wallet, used for payouts without further consent. */
export const payoutGrants = paymentsSchema.table(
  'payout_grants',
  {
    id: text('id').primaryKey(),
    sellerId: text('seller_id').notNull(),
    state: text('state').$type<PayoutGrantState>().notNull(),
    limitValue: minorUnits('limit_value').notNull(),
    assetCode: text('asset_code').notNull(),
    assetScale: integer('asset_scale').notNull(),
    interval: text('interval'),
    returnUrl: text('return_url'),
    walletAddressId: text('wallet_address_id').notNull(),
    authServer: text('auth_server').notNull(),
    /** The escrow owner's consent (the interactive grant): see consent/model.ts. */
    consentId: text('consent_id'),
    accessToken: text('access_token'),
    manageUrl: text('manage_url'),
    tokenExpiresAt: at('token_expires_at'),
    failureMessage: text('failure_message'),
    createdAt: createdAt(),
    updatedAt: updatedAt()
  },
  (t) => [index('payout_grants_seller_idx').on(t.sellerId, t.state)]
)
export type PayoutGrantRow = typeof payoutGrants.$inferSelect

/** `needs_review`: not settled either way by its deadline; still checked, and an operator can reconcile it. */
export type PayoutState = 'pending' | 'sending' | 'needs_review' | 'completed' | 'failed'
/** Which side the payout fixes (see the contract's PayoutFixed). */
export type PayoutFixed = 'receive' | 'send'

export const payouts = paymentsSchema.table(
  'payouts',
  {
    id: text('id').primaryKey(),
    /** The caller's idempotency key: one reference pays once. */
    reference: text('reference').notNull().unique(),
    sellerId: text('seller_id').notNull(),
    grantId: text('grant_id'),
    receiverWalletAddressUrl: text('receiver_wallet_address_url').notNull(),
    state: text('state').$type<PayoutState>().notNull(),
    /** `receive`: amountValue is what the receiver gets; `send`: what leaves escrow. */
    fixed: text('fixed').$type<PayoutFixed>().notNull().default('send'),
    /** The amount asked for, in the seller wallet's asset (see `fixed`). */
    amountValue: minorUnits('amount_value').notNull(),
    assetCode: text('asset_code').notNull(),
    assetScale: integer('asset_scale').notNull(),
    incomingPaymentId: text('incoming_payment_id'),
    quoteId: text('quote_id'),
    quoteExpiresAt: at('quote_expires_at'),
    /** What leaves escrow under the quote, fees included. */
    debitValue: minorUnits('debit_value'),
    receiveValue: minorUnits('receive_value'),
    receiveAssetCode: text('receive_asset_code'),
    receiveAssetScale: integer('receive_asset_scale'),
    /** Set before the outgoing payment is created: a retry then looks for it before creating another. */
    createAttemptedAt: at('create_attempted_at'),
    outgoingPaymentId: text('outgoing_payment_id'),
    sentValue: minorUnits('sent_value'),
    /** What the receiver's incoming payment has received, as last read: completion is decided from it. */
    receivedValue: minorUnits('received_value'),
    /** When the receiver's incoming payment was completed (or found closed), so its owner is credited at once. */
    incomingClosedAt: at('incoming_closed_at'),
    /** When a sent payout must have arrived; past it an unsettled one goes to needs_review. */
    settleBy: at('settle_by'),
    failureCode: text('failure_code'),
    failureMessage: text('failure_message'),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: at('next_attempt_at'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
    completedAt: at('completed_at')
  },
  (t) => [index('payouts_due_idx').on(t.nextAttemptAt).where(sql`state in ('pending', 'sending', 'needs_review')`)]
)
export type PayoutRow = typeof payouts.$inferSelect
