import type { KeyRef } from '../open-payments/keys.ts'
import type { SellerView } from '@voces/payments-contract'
import { jsonb, text } from 'drizzle-orm/pg-core'
import { createdAt, paymentsSchema } from '../db.ts'

/** Where a seller's private key lives. The key itself is never stored, returned or logged. */
export type { KeyRef }

export const sellers = paymentsSchema.table('sellers', {
  id: text('id').primaryKey(),
  walletAddressUrl: text('wallet_address_url').notNull(),
  keyId: text('key_id').notNull(),
  keyRef: jsonb('key_ref').$type<KeyRef>().notNull(),
  /** 'config' for the marketplace seller from the environment, 'api' for POST /sellers. */
  source: text('source').$type<'config' | 'api'>().notNull(),
  createdAt: createdAt()
})

export type SellerRow = typeof sellers.$inferSelect

/** What the API shows of a seller: never the key or where it is. */
export type { SellerView }
