import { text, integer } from 'drizzle-orm/pg-core'
import { at, createdAt, paymentsSchema, updatedAt } from '../db.ts'

/** What a consent is for: a buyer's payment, or the escrow owner's standing grant for payouts. */
export type ConsentPurpose = 'payment' | 'payout_grant'

/**
 * awaiting → claimed (a hash-verified finish took the interact_ref: only one does)
 * awaiting → closed  (its subject ended first: expired, superseded, replaced)
 * The two are exclusive under the row lock, so a consent is either used once or never.
 */
export type ConsentState = 'awaiting' | 'claimed' | 'closed'

/**
 * One interactive outgoing-payment grant request: the nonces the finish hash binds to, where and how
 * to continue it, and what the wallet's unsigned redirect reported. Payments and payout grants both
 * reference their consent; the one finish route dispatches by `purpose`.
 */
export const consents = paymentsSchema.table('consents', {
  id: text('id').primaryKey(),
  purpose: text('purpose').$type<ConsentPurpose>().notNull(),
  state: text('state').$type<ConsentState>().notNull(),
  sellerId: text('seller_id').notNull(),
  /** The wallet whose owner is asked, and its auth server (the finish hash binds to it). */
  walletAddressId: text('wallet_address_id').notNull(),
  authServer: text('auth_server').notNull(),
  clientNonce: text('client_nonce').notNull(),
  interactNonce: text('interact_nonce').notNull(),
  redirectUrl: text('redirect_url').notNull(),
  continueUri: text('continue_uri').notNull(),
  continueToken: text('continue_token').notNull(),
  continueWaitSeconds: integer('continue_wait_seconds').notNull().default(0),
  /** Taken after the wallet's answer, so `wait` counted from here is never too short. */
  grantRequestedAt: at('grant_requested_at').notNull(),
  interactRef: text('interact_ref'),
  /** What the wallet's last unsigned redirect said instead of approving: shown, never acted on. */
  walletResult: text('wallet_result'),
  createdAt: createdAt(),
  updatedAt: updatedAt()
})
export type ConsentRow = typeof consents.$inferSelect

/**
 * What a finish redirect came to, for the person whose browser arrives: the subject's state, where
 * they go back to, and what to add to that address. The route renders it (a 303 or a small page).
 */
export interface FinishResult {
  purpose: ConsentPurpose
  subjectId: string
  state: string
  returnUrl: string | null
  /** The wallet's unsigned result, when it reported one instead of approving. */
  walletResult?: string | undefined
  /** Why the callback changed nothing: `invalid_callback` (bad hash) or another step's code. */
  error?: string | undefined
}

/** What each purpose does with its finish redirects. */
export interface Finisher {
  /** A redirect with `result=…` (unsigned): shown, never acted on. */
  reported(consent: ConsentRow, result: string): Promise<FinishResult | undefined>
  /** A redirect with `hash` and `interact_ref`: verified and claimed by the consent service first. */
  approved(consent: ConsentRow, query: { hash?: string | undefined; interact_ref?: string | undefined }): Promise<FinishResult | undefined>
}
