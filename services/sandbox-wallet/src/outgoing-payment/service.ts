import { and, eq } from 'drizzle-orm'
import type { Clock, Db, Logger } from '@voces/platform'
import { outgoingPayments } from '../db/schema.ts'
import { urls, type SandboxConfig } from '../config.ts'
import { fail, isFailure, type Failure } from '../http/errors.ts'
import { isUuid } from '../grant/service.ts'
import type { AccessItem, AmountJson, Grant } from '../grant/model.ts'
import type { IncomingPaymentService } from '../incoming-payment/service.ts'
import type { LedgerService } from '../ledger/service.ts'
import type { Quote, QuoteService } from '../quote/service.ts'
import type { WalletAddress, WalletAddressService } from '../wallet-address/service.ts'
import { paginate, type Page, type PageResult } from '../db/pagination.ts'
import { checkGrantLimits, grantSpentAmounts, type Spent } from './limits.ts'
import { createSettlement } from './settlement.ts'

export type OutgoingPayment = typeof outgoingPayments.$inferSelect
type OutgoingAccess = Extract<AccessItem, { type: 'outgoing-payment' }>

/** What pays: a quote, or an incoming payment and a debit amount quoted on the spot (the spec allows both). */
export type PaymentSource = { quoteId: string } | { incomingPayment: string; debitAmount: AmountJson }

export interface OutgoingPaymentService {
  create(
    input: { wallet: WalletAddress; grant: Grant; item: OutgoingAccess; client: string | null; metadata?: Record<string, unknown> } & PaymentSource
  ): Promise<{ payment: OutgoingPayment; spent: Spent } | Failure>
  get(id: string): Promise<OutgoingPayment | undefined>
  list(wallet: WalletAddress, client: string | null, page: Page): Promise<PageResult<OutgoingPayment>>
  grantSpentAmounts(grant: Grant, item: OutgoingAccess): ReturnType<typeof grantSpentAmounts>
  /** Settles due payments; returns how many it processed. Safe to run from several processes. */
  settleDue(limit?: number): Promise<number>
  toJson(payment: OutgoingPayment, wallet: WalletAddress, spent?: Spent): Promise<Record<string, unknown>>
}

/** How Rafiki turns the errors of the quote it makes for `incomingPayment` + `debitAmount` (outgoing/errors.ts). */
const QUOTE_FAILURE_AS_PAYMENT_FAILURE: Partial<Record<Failure['failure'], Failure['failure']>> = {
  non_positive_receive_amount: 'negative_receive_amount'
}

const isUniqueViolation = (error: unknown): boolean => {
  const e = error as { code?: string; cause?: { code?: string } }
  return e?.code === '23505' || e?.cause?.code === '23505'
}

export function createOutgoingPaymentService(deps: {
  db: Db
  config: SandboxConfig
  clock: Clock
  logger: Logger
  walletAddresses: WalletAddressService
  incomingPayments: IncomingPaymentService
  quotes: QuoteService
  ledger: LedgerService
}): OutgoingPaymentService {
  const { db, config, clock } = deps
  const u = urls(config)
  const settlement = createSettlement(deps)

  /** The quote to pay, as Rafiki's outgoing payment service finds or makes it. */
  async function quoteFor(wallet: WalletAddress, client: string | null, source: PaymentSource): Promise<Quote | Failure> {
    if ('incomingPayment' in source) {
      const quote = await deps.quotes.create({ wallet, client, receiver: source.incomingPayment, debitAmount: source.debitAmount })
      if (!isFailure(quote)) return quote
      const mapped = QUOTE_FAILURE_AS_PAYMENT_FAILURE[quote.failure]
      return mapped ? fail(mapped, quote.detail) : fail(quote.failure, quote.detail)
    }
    const id = deps.quotes.idFromUrl(source.quoteId)
    if (!id) return fail('invalid_quote_id')
    return (await deps.quotes.get(id)) ?? fail('unknown_quote', `no quote ${id}`)
  }

  return {
    async create({ wallet, grant, item, client, metadata, ...source }) {
      const quote = await quoteFor(wallet, client, source as PaymentSource)
      if (isFailure(quote)) return quote
      const receiver = await deps.incomingPayments.resolveReceiver(quote.receiver)
      if (!receiver || !deps.incomingPayments.isActive(receiver.payment)) return fail('invalid_quote', 'its incoming payment is completed or expired')
      const now = clock.now()
      if (quote.walletAddressId !== wallet.id) return fail('invalid_quote', 'it belongs to another wallet address')
      if (quote.expiresAt.getTime() <= now.getTime()) return fail('invalid_quote', 'it has expired')
      try {
        return await db.transaction(async (tx) => {
          const [used] = await tx.select({ id: outgoingPayments.id }).from(outgoingPayments).where(eq(outgoingPayments.quoteId, quote.id))
          if (used) return fail('invalid_quote', 'it was already used')
          const spent = await checkGrantLimits(tx, { grantId: grant.id, limits: item.limits, quote, now })
          if (isFailure(spent)) return spent
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
              metadata: metadata ?? null,
              createdAt: now,
              updatedAt: now
            })
            .returning()
          return { payment: payment!, spent }
        })
      } catch (error) {
        // Another grant paid the same quote at the same moment: a quote pays once.
        if (isUniqueViolation(error)) return fail('invalid_quote', 'it was already used')
        throw error
      }
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

    grantSpentAmounts(grant, item) {
      return grantSpentAmounts(db, { grantId: grant.id, limits: item.limits, now: clock.now() })
    },

    settleDue: (limit) => settlement.settleDue(limit),

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
