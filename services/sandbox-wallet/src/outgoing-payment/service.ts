import { and, eq, gte, lte, ne, sum } from 'drizzle-orm'
import type { Db, Logger } from '@voces/platform'
import { grants, outgoingPayments, quotes as quotesTable } from '../db/schema.ts'
import { urls, type SandboxConfig } from '../config.ts'
import { fail, type Failure } from '../http/errors.ts'
import { isUuid } from '../grant/service.ts'
import type { AccessItem, Grant } from '../grant/model.ts'
import type { IncomingPaymentService } from '../incoming-payment/service.ts'
import type { LedgerService } from '../ledger/service.ts'
import type { QuoteService } from '../quote/service.ts'
import type { WalletAddress, WalletAddressService } from '../wallet-address/service.ts'
import { paginate, type Page, type PageResult } from '../db/pagination.ts'
import { currentWindow } from './interval.ts'

export type OutgoingPayment = typeof outgoingPayments.$inferSelect

export interface Spent {
  debit: bigint
  receive: bigint
}

export interface OutgoingPaymentService {
  create(input: {
    wallet: WalletAddress
    grant: Grant
    item: Extract<AccessItem, { type: 'outgoing-payment' }>
    client: string | null
    quoteId: string
    metadata?: Record<string, unknown>
  }): Promise<{ payment: OutgoingPayment; spent: Spent } | Failure>
  get(id: string): Promise<OutgoingPayment | undefined>
  list(wallet: WalletAddress, client: string | null, page: Page): Promise<PageResult<OutgoingPayment>>
  spent(grant: Grant, item: Extract<AccessItem, { type: 'outgoing-payment' }>): Promise<Spent>
  /** Settles due payments; returns how many it processed. Safe to run from several processes. */
  settleDue(limit?: number): Promise<number>
  toJson(payment: OutgoingPayment, wallet: WalletAddress, spent?: Spent): Promise<Record<string, unknown>>
}

export function createOutgoingPaymentService(deps: {
  db: Db
  config: SandboxConfig
  logger: Logger
  walletAddresses: WalletAddressService
  incomingPayments: IncomingPaymentService
  quotes: QuoteService
  ledger: LedgerService
}): OutgoingPaymentService {
  const { db, config } = deps
  const u = urls(config)

  /** What a grant has spent in its current interval (or ever), failed payments excluded. */
  async function spentUnder(tx: Db, grantId: string, interval: string | undefined): Promise<Spent | undefined> {
    const window = interval ? currentWindow(interval) : undefined
    if (interval && !window) return undefined
    const [row] = await tx
      .select({ debit: sum(outgoingPayments.debitAmount), receive: sum(outgoingPayments.receiveAmount) })
      .from(outgoingPayments)
      .where(
        and(
          eq(outgoingPayments.grantId, grantId),
          ne(outgoingPayments.state, 'failed'),
          window ? gte(outgoingPayments.createdAt, window.start) : undefined,
          window ? lte(outgoingPayments.createdAt, window.end) : undefined
        )
      )
    return { debit: BigInt(row?.debit ?? 0), receive: BigInt(row?.receive ?? 0) }
  }

  return {
    async create({ wallet, grant, item, client, quoteId, metadata }) {
      const quote = await deps.quotes.fromUrl(quoteId)
      if (!quote) return fail('not_found', 'unknown quote')
      if (quote.walletAddressId !== wallet.id) return fail('quote_foreign')
      if (quote.expiresAt.getTime() <= Date.now()) return fail('quote_expired')
      const limits = item.limits
      if (limits?.receiver && limits.receiver !== quote.receiver) return fail('grant_limit_exceeded', 'receiver is not the one the grant allows')

      return db.transaction(async (tx) => {
        // Serialise payments under one grant so that concurrent creates cannot overspend its limits.
        await tx.select({ id: grants.id }).from(grants).where(eq(grants.id, grant.id)).for('update')
        const [used] = await tx.select({ id: outgoingPayments.id }).from(outgoingPayments).where(eq(outgoingPayments.quoteId, quote.id))
        if (used) return fail('quote_used')
        const before = await spentUnder(tx as unknown as Db, grant.id, limits?.interval)
        if (!before) return fail('grant_limit_exceeded', 'outside the grant interval')
        const spent = { debit: before.debit + quote.debitAmount, receive: before.receive + quote.receiveAmount }
        if (limits?.debitAmount) {
          if (limits.debitAmount.assetCode !== quote.debitAssetCode) return fail('grant_limit_exceeded', 'debit asset differs from the grant')
          if (spent.debit > BigInt(limits.debitAmount.value)) return fail('grant_limit_exceeded', 'debit amount limit')
        }
        if (limits?.receiveAmount) {
          if (limits.receiveAmount.assetCode !== quote.receiveAssetCode) return fail('grant_limit_exceeded', 'receive asset differs from the grant')
          if (spent.receive > BigInt(limits.receiveAmount.value)) return fail('grant_limit_exceeded', 'receive amount limit')
        }
        const [payment] = await tx
          .insert(outgoingPayments)
          .values({
            walletAddressId: wallet.id,
            quoteId: quote.id,
            grantId: grant.id,
            client,
            receiver: quote.receiver,
            debitAmount: quote.debitAmount,
            receiveAmount: quote.receiveAmount,
            metadata: metadata ?? null
          })
          .returning()
        return { payment: payment!, spent }
      })
    },

    async get(id) {
      if (!isUuid(id)) return undefined
      const [row] = await db.select().from(outgoingPayments).where(eq(outgoingPayments.id, id))
      return row
    },

    list(wallet, client, page) {
      const scope = and(eq(outgoingPayments.walletAddressId, wallet.id), client === null ? undefined : eq(outgoingPayments.client, client))
      return paginate(db, outgoingPayments, scope, page)
    },

    async spent(grant, item) {
      return (await spentUnder(db, grant.id, item.limits?.interval)) ?? { debit: 0n, receive: 0n }
    },

    async settleDue(limit = 20) {
      const dueBefore = new Date(Date.now() - config.settlementDelayMs)
      let processed = 0
      for (let i = 0; i < limit; i++) {
        const settled = await db.transaction(async (tx) => {
          const [payment] = await tx
            .select()
            .from(outgoingPayments)
            .where(and(eq(outgoingPayments.state, 'sending'), lte(outgoingPayments.createdAt, dueBefore)))
            .orderBy(outgoingPayments.createdAt)
            .limit(1)
            .for('update', { skipLocked: true })
          if (!payment) return false
          const [quote] = await tx.select().from(quotesTable).where(eq(quotesTable.id, payment.quoteId))
          // Only `tx` inside a transaction: the embedded database has one connection.
          const sender = await deps.walletAddresses.getById(payment.walletAddressId, tx)
          const target = await deps.incomingPayments.resolveReceiver(payment.receiver, tx)
          const finish = (state: 'completed' | 'failed', error: string | null) =>
            tx
              .update(outgoingPayments)
              .set({ state, error, sentAmount: state === 'completed' ? payment.debitAmount : 0n, updatedAt: new Date() })
              .where(eq(outgoingPayments.id, payment.id))
          if (!quote || !sender || !target || (await deps.incomingPayments.receive(tx, target.payment.id, payment.receiveAmount))) {
            await finish('failed', 'receiver_not_receivable')
            return true
          }
          const result = await deps.ledger.settle(tx, {
            sender,
            receiver: target.wallet,
            debit: payment.debitAmount,
            fee: quote.fee,
            receive: payment.receiveAmount,
            reference: u.outgoingPayment(payment.id)
          })
          if (result === 'insufficient_balance') {
            // Nothing moved: undo the receiver's credit by failing inside a savepoint-free path.
            throw new InsufficientBalance(payment.id)
          }
          await finish('completed', null)
          return true
        }).catch(async (error: unknown) => {
          if (!(error instanceof InsufficientBalance)) throw error
          await db
            .update(outgoingPayments)
            .set({ state: 'failed', error: 'insufficient_balance', updatedAt: new Date() })
            .where(and(eq(outgoingPayments.id, error.paymentId), eq(outgoingPayments.state, 'sending')))
          return true
        })
        if (!settled) break
        processed++
      }
      return processed
    },

    async toJson(payment, wallet, spent) {
      const quote = await deps.quotes.get(payment.quoteId)
      const debit = (value: bigint) => ({ value: value.toString(), assetCode: quote!.debitAssetCode, assetScale: quote!.debitAssetScale })
      const receive = (value: bigint) => ({ value: value.toString(), assetCode: quote!.receiveAssetCode, assetScale: quote!.receiveAssetScale })
      return {
        id: u.outgoingPayment(payment.id),
        walletAddress: u.walletAddress(wallet.name),
        quoteId: u.quote(payment.quoteId),
        failed: payment.state === 'failed',
        receiver: payment.receiver,
        receiveAmount: receive(payment.receiveAmount),
        debitAmount: debit(payment.debitAmount),
        sentAmount: debit(payment.sentAmount),
        ...(spent ? { grantSpentDebitAmount: debit(spent.debit), grantSpentReceiveAmount: receive(spent.receive) } : {}),
        ...(payment.metadata ? { metadata: payment.metadata } : {}),
        createdAt: payment.createdAt.toISOString()
      }
    }
  }
}

class InsufficientBalance extends Error {
  constructor(readonly paymentId: string) {
    super('insufficient balance')
  }
}


