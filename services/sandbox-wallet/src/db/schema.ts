import { sql } from 'drizzle-orm'
import { bigint, boolean, check, index, integer, jsonb, pgSchema, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core'

/** Everything the sandbox wallet stores lives in its own Postgres schema. */
export const sandbox = pgSchema('sandbox_wallet')

const money = (name: string) => bigint(name, { mode: 'bigint' })
const createdAt = () => timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow()

export const walletAddresses = sandbox.table('wallet_addresses', {
  id: uuid('id').primaryKey().defaultRandom(),
  name: text('name').notNull().unique(),
  publicName: text('public_name').notNull(),
  assetCode: text('asset_code').notNull(),
  assetScale: integer('asset_scale').notNull(),
  createdAt: createdAt()
})

/** Client public keys registered on a wallet address, served in its JWKS. */
export const clientKeys = sandbox.table(
  'client_keys',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    walletAddressId: uuid('wallet_address_id')
      .notNull()
      .references(() => walletAddresses.id),
    kid: text('kid').notNull(),
    jwk: jsonb('jwk').notNull(),
    createdAt: createdAt()
  },
  (t) => [uniqueIndex('client_keys_wallet_kid').on(t.walletAddressId, t.kid)]
)

/**
 * Double-entry ledger. A wallet account belongs to a wallet address and can never go below zero;
 * settlement accounts (one per asset) stand for the outside world (deposits), the sandbox's own
 * currency exchange and fees, and the money held for incoming payments until they complete or
 * expire (`holding`), so the sum over all accounts is always zero.
 */
export const ledgerAccounts = sandbox.table(
  'ledger_accounts',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    kind: text('kind', { enum: ['wallet', 'deposits', 'exchange', 'fees', 'holding'] }).notNull(),
    walletAddressId: uuid('wallet_address_id').references(() => walletAddresses.id),
    assetCode: text('asset_code').notNull(),
    assetScale: integer('asset_scale').notNull(),
    balance: money('balance').notNull().default(sql`0`),
    createdAt: createdAt()
  },
  (t) => [
    check('wallet_balance_not_negative', sql`${t.kind} <> 'wallet' OR ${t.balance} >= 0`),
    uniqueIndex('ledger_accounts_wallet').on(t.walletAddressId),
    uniqueIndex('ledger_accounts_system').on(t.kind, t.assetCode).where(sql`${t.walletAddressId} IS NULL`)
  ]
)

export const ledgerTransfers = sandbox.table(
  'ledger_transfers',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    debitAccountId: uuid('debit_account_id')
      .notNull()
      .references(() => ledgerAccounts.id),
    creditAccountId: uuid('credit_account_id')
      .notNull()
      .references(() => ledgerAccounts.id),
    amount: money('amount').notNull(),
    /** What caused it: a deposit, or an outgoing payment's id. */
    reference: text('reference').notNull(),
    createdAt: createdAt()
  },
  (t) => [check('transfer_positive', sql`${t.amount} > 0`), index('ledger_transfers_reference').on(t.reference)]
)

export const grants = sandbox.table(
  'grants',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    state: text('state', { enum: ['pending', 'approved', 'finalized'] }).notNull(),
    finalizationReason: text('finalization_reason', { enum: ['issued', 'rejected', 'revoked', 'expired'] }),
    /** The client's wallet address URL (or null for a directed-identity JWK client). */
    client: text('client'),
    clientJwk: jsonb('client_jwk'),
    access: jsonb('access').notNull(),
    continueId: uuid('continue_id').notNull().defaultRandom().unique(),
    continueToken: text('continue_token').notNull().unique(),
    waitSeconds: integer('wait_seconds'),
    finishUri: text('finish_uri'),
    clientNonce: text('client_nonce'),
    interactId: uuid('interact_id').unique(),
    interactNonce: text('interact_nonce'),
    interactRef: text('interact_ref').unique(),
    interactionExpiresAt: timestamp('interaction_expires_at', { withTimezone: true, mode: 'date' }),
    lastContinuedAt: timestamp('last_continued_at', { withTimezone: true, mode: 'date' }),
    createdAt: createdAt()
  },
  (t) => [index('grants_state').on(t.state)]
)

export const accessTokens = sandbox.table('access_tokens', {
  id: uuid('id').primaryKey().defaultRandom(),
  grantId: uuid('grant_id')
    .notNull()
    .references(() => grants.id),
  value: text('value').notNull().unique(),
  manageId: uuid('manage_id').notNull().defaultRandom().unique(),
  expiresAt: timestamp('expires_at', { withTimezone: true, mode: 'date' }).notNull(),
  revokedAt: timestamp('revoked_at', { withTimezone: true, mode: 'date' }),
  createdAt: createdAt()
})

export const incomingPayments = sandbox.table(
  'incoming_payments',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    walletAddressId: uuid('wallet_address_id')
      .notNull()
      .references(() => walletAddresses.id),
    /** The client that created it: `read` (not `read-all`) only sees its own. */
    client: text('client'),
    incomingAmount: money('incoming_amount'),
    receivedAmount: money('received_amount').notNull().default(sql`0`),
    /**
     * The part of `receivedAmount` already credited to the wallet. Money received is held until the
     * incoming payment completes or expires, as an account servicing entity credits on Rafiki's
     * `incoming_payment.completed` / `.expired` events; then the rest is credited, once.
     */
    creditedAmount: money('credited_amount').notNull().default(sql`0`),
    completed: boolean('completed').notNull().default(false),
    /** Always set on new rows (Rafiki's default and maximum expiry); null only on rows from before. */
    expiresAt: timestamp('expires_at', { withTimezone: true, mode: 'date' }),
    /** The STREAM shared secret shown in the `ilp` payment method (base64url of 32 random bytes). */
    sharedSecret: text('shared_secret').notNull(),
    metadata: jsonb('metadata'),
    createdAt: createdAt(),
    updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow()
  },
  (t) => [
    index('incoming_payments_wallet_created').on(t.walletAddressId, t.createdAt),
    // What the settlement worker looks for: money still held.
    index('incoming_payments_held').on(t.expiresAt).where(sql`${t.creditedAmount} < ${t.receivedAmount}`)
  ]
)

export const quotes = sandbox.table('quotes', {
  id: uuid('id').primaryKey().defaultRandom(),
  walletAddressId: uuid('wallet_address_id')
    .notNull()
    .references(() => walletAddresses.id),
  client: text('client'),
  receiver: text('receiver').notNull(),
  debitAmount: money('debit_amount').notNull(),
  debitAssetCode: text('debit_asset_code').notNull(),
  debitAssetScale: integer('debit_asset_scale').notNull(),
  receiveAmount: money('receive_amount').notNull(),
  receiveAssetCode: text('receive_asset_code').notNull(),
  receiveAssetScale: integer('receive_asset_scale').notNull(),
  /** Part of the debit amount kept by the wallet, in the debit asset. */
  fee: money('fee').notNull(),
  expiresAt: timestamp('expires_at', { withTimezone: true, mode: 'date' }).notNull(),
  createdAt: createdAt()
})

export const outgoingPayments = sandbox.table(
  'outgoing_payments',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    walletAddressId: uuid('wallet_address_id')
      .notNull()
      .references(() => walletAddresses.id),
    /** A quote pays at most once. */
    quoteId: uuid('quote_id')
      .notNull()
      .unique()
      .references(() => quotes.id),
    grantId: uuid('grant_id')
      .notNull()
      .references(() => grants.id),
    client: text('client'),
    receiver: text('receiver').notNull(),
    debitAmount: money('debit_amount').notNull(),
    receiveAmount: money('receive_amount').notNull(),
    sentAmount: money('sent_amount').notNull().default(sql`0`),
    state: text('state', { enum: ['sending', 'completed', 'failed'] }).notNull().default('sending'),
    /** Why it failed, for logs and the admin list (not part of the Open Payments body). */
    error: text('error'),
    metadata: jsonb('metadata'),
    createdAt: createdAt(),
    updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow()
  },
  (t) => [
    index('outgoing_payments_wallet_created').on(t.walletAddressId, t.createdAt),
    index('outgoing_payments_grant').on(t.grantId),
    index('outgoing_payments_sending').on(t.state)
  ]
)
