import { and, eq, lte, or, sql } from 'drizzle-orm'
import { paginate, type Page, type PageResult } from '../db/pagination.ts'
import type { Clock, Db, Tx } from '@voces/platform'
import { incomingPayments } from '../db/schema.ts'
import { urls, type SandboxConfig } from '../config.ts'
import { fail, type Failure } from '../http/errors.ts'
import { isUuid } from '../grant/service.ts'
import type { AmountJson } from '../grant/model.ts'
import type { LedgerService } from '../ledger/service.ts'
import type { WalletAddress, WalletAddressService } from '../wallet-address/service.ts'
import { ilpMethod, newSharedSecret, type IlpPaymentMethod } from './methods.ts'

export type IncomingPayment = typeof incomingPayments.$inferSelect

/**
 * Rafiki's `INCOMING_PAYMENT_EXPIRY_MAX_MS` default (30 days): the expiry of an incoming payment
 * created without `expiresAt`, and the latest a client may ask for.
 */
export const INCOMING_PAYMENT_EXPIRY_MAX_MS = 30 * 24 * 60 * 60 * 1000

export interface IncomingPaymentService {
  create(input: {
    wallet: WalletAddress
    client: string | null
    incomingAmount?: AmountJson
    expiresAt?: string
    metadata?: Record<string, unknown>
  }): Promise<IncomingPayment | Failure>
  get(id: string, tx?: Db | Tx): Promise<IncomingPayment | undefined>
  /** The client's `complete`: ends the payment and credits the wallet with what it received. */
  complete(payment: IncomingPayment): Promise<IncomingPayment | Failure>
  list(wallet: WalletAddress, client: string | null, page: Page): Promise<PageResult<IncomingPayment>>
  /** The local incoming payment a receiver URL names, with its wallet address. */
  resolveReceiver(receiver: string, tx?: Db | Tx): Promise<{ payment: IncomingPayment; wallet: WalletAddress } | undefined>
  /**
   * Locks the incoming payment and says how much of `wanted` it can still take: nothing once it is
   * completed or expired, at most what its `incomingAmount` still lacks.
   */
  receivable(tx: Tx, id: string, wanted: bigint): Promise<bigint>
  /**
   * Records money that reached the holding account for it (after `receivable`, same transaction).
   * Reaching `incomingAmount` completes it and credits the wallet, as Rafiki's `onCredit` completes.
   */
  receive(tx: Tx, id: string, amount: bigint): Promise<void>
  /** Credits the wallets of expired incoming payments with what they received. Safe from several processes. */
  settleExpired(limit?: number): Promise<number>
  /** Received by the wallet's incoming payments and not yet credited to it. */
  held(walletAddressId: string): Promise<bigint>
  isActive(payment: IncomingPayment, now?: Date): boolean
  toJson(payment: IncomingPayment, wallet: WalletAddress): Record<string, unknown>
  /** Rafiki lists payment methods only while money can still arrive (incoming/routes.ts). */
  methods(payment: IncomingPayment, wallet: WalletAddress): IlpPaymentMethod[]
}

export function createIncomingPaymentService(deps: {
  db: Db
  config: SandboxConfig
  clock: Clock
  walletAddresses: WalletAddressService
  ledger: LedgerService
}): IncomingPaymentService {
  const { db, config, clock } = deps
  const u = urls(config)

  /** Credits the wallet with what is still held for this payment; the row must be locked. */
  async function release(tx: Tx, payment: IncomingPayment): Promise<void> {
    const amount = payment.receivedAmount - payment.creditedAmount
    if (amount <= 0n) return
    const wallet = await deps.walletAddresses.getById(payment.walletAddressId, tx)
    if (!wallet) throw new Error(`incoming payment ${payment.id} has no wallet address`)
    await deps.ledger.release(tx, { wallet, amount, reference: u.incomingPayment(payment.id) })
    await tx
      .update(incomingPayments)
      .set({ creditedAmount: payment.receivedAmount, updatedAt: clock.now() })
      .where(eq(incomingPayments.id, payment.id))
  }

  const lock = async (tx: Tx, id: string) => {
    const [row] = await tx.select().from(incomingPayments).where(eq(incomingPayments.id, id)).for('update')
    return row
  }

  return {
    async create({ wallet, client, incomingAmount, expiresAt, metadata }) {
      // Rafiki's checks, in its order (open_payments/payment/incoming/service.ts).
      const now = clock.now().getTime()
      const expiry = new Date(expiresAt === undefined ? now + INCOMING_PAYMENT_EXPIRY_MAX_MS : expiresAt)
      if (Number.isNaN(expiry.getTime()) || expiry.getTime() <= now || expiry.getTime() > now + INCOMING_PAYMENT_EXPIRY_MAX_MS) {
        return fail('invalid_expiry', 'expiresAt must be in the future and at most 30 days away')
      }
      if (incomingAmount) {
        if (!/^\d{1,20}$/.test(incomingAmount.value) || BigInt(incomingAmount.value) <= 0n) return fail('invalid_amount', 'incomingAmount must be positive')
        if (incomingAmount.assetCode !== wallet.assetCode || incomingAmount.assetScale !== wallet.assetScale) {
          return fail('invalid_amount', `incomingAmount must be in ${wallet.assetCode} at scale ${wallet.assetScale}`)
        }
      }
      const [created] = await db
        .insert(incomingPayments)
        .values({
          walletAddressId: wallet.id,
          client,
          incomingAmount: incomingAmount ? BigInt(incomingAmount.value) : null,
          expiresAt: expiry,
          sharedSecret: newSharedSecret(),
          metadata: metadata ?? null,
          createdAt: new Date(now)
        })
        .returning()
      return created!
    },

    async get(id, tx = db) {
      if (!isUuid(id)) return undefined
      const [row] = await tx.select().from(incomingPayments).where(eq(incomingPayments.id, id))
      return row
    },

    async complete(payment) {
      return db.transaction(async (tx) => {
        const row = await lock(tx, payment.id)
        if (!row || !this.isActive(row)) return fail('incoming_payment_wrong_state', 'already completed or expired')
        const [updated] = await tx
          .update(incomingPayments)
          .set({ completed: true, updatedAt: clock.now() })
          .where(eq(incomingPayments.id, row.id))
          .returning()
        await release(tx, updated!)
        return { ...updated!, creditedAmount: updated!.receivedAmount }
      })
    },

    list(wallet, client, page) {
      const scope = and(eq(incomingPayments.walletAddressId, wallet.id), client === null ? undefined : eq(incomingPayments.client, client))
      return paginate(db, incomingPayments, scope, page)
    },

    async resolveReceiver(receiver, tx = db) {
      const prefix = `${config.baseUrl}/incoming-payments/`
      if (!receiver.startsWith(prefix)) return undefined
      const payment = await this.get(receiver.slice(prefix.length), tx)
      const wallet = payment && (await deps.walletAddresses.getById(payment.walletAddressId, tx))
      return payment && wallet ? { payment, wallet } : undefined
    },

    async receivable(tx, id, wanted) {
      const row = await lock(tx, id)
      if (!row || !this.isActive(row)) return 0n
      const lacking = row.incomingAmount === null ? wanted : row.incomingAmount - row.receivedAmount
      return lacking < wanted ? (lacking > 0n ? lacking : 0n) : wanted
    },

    async receive(tx, id, amount) {
      const row = await lock(tx, id)
      if (!row) throw new Error(`incoming payment ${id} vanished`)
      const received = row.receivedAmount + amount
      const completed = row.incomingAmount !== null && received >= row.incomingAmount
      const [updated] = await tx
        .update(incomingPayments)
        .set({ receivedAmount: received, completed, updatedAt: clock.now() })
        .where(eq(incomingPayments.id, id))
        .returning()
      if (completed) await release(tx, updated!)
    },

    async settleExpired(limit = 20) {
      let processed = 0
      for (let i = 0; i < limit; i++) {
        const settled = await db.transaction(async (tx) => {
          const [row] = await tx
            .select()
            .from(incomingPayments)
            .where(
              and(
                sql`${incomingPayments.creditedAmount} < ${incomingPayments.receivedAmount}`,
                or(eq(incomingPayments.completed, true), lte(incomingPayments.expiresAt, clock.now()))
              )
            )
            .orderBy(incomingPayments.expiresAt)
            .limit(1)
            // Another process may be crediting this one: take the next instead of waiting.
            .for('update', { skipLocked: true })
          if (!row) return false
          await release(tx, row)
          return true
        })
        if (!settled) break
        processed++
      }
      return processed
    },

    async held(walletAddressId) {
      const [row] = await db
        .select({ held: sql<string>`coalesce(sum(${incomingPayments.receivedAmount} - ${incomingPayments.creditedAmount}), 0)::text` })
        .from(incomingPayments)
        .where(eq(incomingPayments.walletAddressId, walletAddressId))
      return BigInt(row?.held ?? '0')
    },

    isActive(payment, now = clock.now()) {
      return !payment.completed && (payment.expiresAt === null || payment.expiresAt.getTime() > now.getTime())
    },

    toJson(payment, wallet) {
      const amount = (value: bigint) => ({ value: value.toString(), assetCode: wallet.assetCode, assetScale: wallet.assetScale })
      return {
        id: u.incomingPayment(payment.id),
        walletAddress: u.walletAddress(wallet.name),
        completed: payment.completed,
        ...(payment.incomingAmount !== null ? { incomingAmount: amount(payment.incomingAmount) } : {}),
        receivedAmount: amount(payment.receivedAmount),
        ...(payment.expiresAt ? { expiresAt: payment.expiresAt.toISOString() } : {}),
        ...(payment.metadata ? { metadata: payment.metadata } : {}),
        createdAt: payment.createdAt.toISOString()
      }
    },

    methods(payment, wallet) {
      return this.isActive(payment) ? [ilpMethod(wallet, payment.sharedSecret)] : []
    }
  }
}
