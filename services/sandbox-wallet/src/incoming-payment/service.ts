import { and, eq } from 'drizzle-orm'
import { paginate, type Page, type PageResult } from '../db/pagination.ts'
import type { Db, Tx } from '@voces/platform'
import { incomingPayments } from '../db/schema.ts'
import { urls, type SandboxConfig } from '../config.ts'
import { fail, type Failure } from '../http/errors.ts'
import { isUuid } from '../grant/service.ts'
import type { AmountJson } from '../grant/model.ts'
import type { WalletAddress, WalletAddressService } from '../wallet-address/service.ts'

export type IncomingPayment = typeof incomingPayments.$inferSelect

export interface IncomingPaymentService {
  create(input: {
    wallet: WalletAddress
    client: string | null
    incomingAmount?: AmountJson
    expiresAt?: string
    metadata?: Record<string, unknown>
  }): Promise<IncomingPayment | Failure>
  get(id: string, tx?: Db | Tx): Promise<IncomingPayment | undefined>
  complete(payment: IncomingPayment): Promise<IncomingPayment | Failure>
  list(wallet: WalletAddress, client: string | null, page: Page): Promise<PageResult<IncomingPayment>>
  /** The local incoming payment a receiver URL names, with its wallet address. */
  resolveReceiver(receiver: string, tx?: Db | Tx): Promise<{ payment: IncomingPayment; wallet: WalletAddress } | undefined>
  /** Credits a settled payment; refuses one that is completed, expired or would exceed its amount. */
  receive(tx: Tx, id: string, amount: bigint): Promise<void | 'not_receivable'>
  isActive(payment: IncomingPayment, now?: Date): boolean
  toJson(payment: IncomingPayment, wallet: WalletAddress): Record<string, unknown>
}

export function createIncomingPaymentService(deps: {
  db: Db
  config: SandboxConfig
  walletAddresses: WalletAddressService
}): IncomingPaymentService {
  const { db, config } = deps
  const u = urls(config)

  return {
    async create({ wallet, client, incomingAmount, expiresAt, metadata }) {
      if (incomingAmount) {
        if (incomingAmount.assetCode !== wallet.assetCode || incomingAmount.assetScale !== wallet.assetScale) {
          return fail('invalid_amount', `incomingAmount must be in ${wallet.assetCode} at scale ${wallet.assetScale}`)
        }
        if (!/^\d+$/.test(incomingAmount.value) || BigInt(incomingAmount.value) <= 0n) return fail('invalid_amount')
      }
      const expiry = expiresAt ? new Date(expiresAt) : undefined
      if (expiry && (Number.isNaN(expiry.getTime()) || expiry.getTime() <= Date.now())) {
        return fail('invalid_request', 'expiresAt must be in the future')
      }
      const [created] = await db
        .insert(incomingPayments)
        .values({
          walletAddressId: wallet.id,
          client,
          incomingAmount: incomingAmount ? BigInt(incomingAmount.value) : null,
          expiresAt: expiry ?? null,
          metadata: metadata ?? null
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
      const [updated] = await db
        .update(incomingPayments)
        .set({ completed: true, updatedAt: new Date() })
        .where(eq(incomingPayments.id, payment.id))
        .returning()
      return updated!
    },

    list(wallet, client, page) {
      const scope = and(
        eq(incomingPayments.walletAddressId, wallet.id),
        client === null ? undefined : eq(incomingPayments.client, client)
      )
      return paginate(db, incomingPayments, scope, page)
    },

    async resolveReceiver(receiver, tx = db) {
      const prefix = `${config.baseUrl}/incoming-payments/`
      if (!receiver.startsWith(prefix)) return undefined
      const payment = await this.get(receiver.slice(prefix.length), tx)
      const wallet = payment && (await deps.walletAddresses.getById(payment.walletAddressId, tx))
      return payment && wallet ? { payment, wallet } : undefined
    },

    async receive(tx, id, amount) {
      const [row] = await tx.select().from(incomingPayments).where(eq(incomingPayments.id, id)).for('update')
      if (!row || !this.isActive(row)) return 'not_receivable'
      const received = row.receivedAmount + amount
      if (row.incomingAmount !== null && received > row.incomingAmount) return 'not_receivable'
      await tx
        .update(incomingPayments)
        .set({
          receivedAmount: received,
          completed: row.incomingAmount !== null && received === row.incomingAmount,
          updatedAt: new Date()
        })
        .where(eq(incomingPayments.id, id))
    },

    isActive(payment, now = new Date()) {
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
    }
  }
}
