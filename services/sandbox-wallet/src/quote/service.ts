import { eq } from 'drizzle-orm'
import type { Clock, Db, Tx } from '@voces/platform'
import { quotes } from '../db/schema.ts'
import { urls, type SandboxConfig } from '../config.ts'
import { fail, type Failure } from '../http/errors.ts'
import { isUuid } from '../grant/service.ts'
import type { AmountJson } from '../grant/model.ts'
import type { IncomingPaymentService } from '../incoming-payment/service.ts'
import type { WalletAddress } from '../wallet-address/service.ts'
import { convert, feeOn, minSendAmount, type SendingFee } from './rates.ts'

export type Quote = typeof quotes.$inferSelect

export interface QuoteService {
  create(input: {
    wallet: WalletAddress
    client: string | null
    receiver: string
    debitAmount?: AmountJson
    receiveAmount?: AmountJson
  }): Promise<Quote | Failure>
  get(id: string, tx?: Db | Tx): Promise<Quote | undefined>
  /** The id a `quoteId` URL names: its last path segment, as Rafiki reads it (outgoing/routes.ts). */
  idFromUrl(url: string): string | undefined
  toJson(quote: Quote, wallet: WalletAddress): Record<string, unknown>
}

const minorUnits = (value: string) => (/^\d{1,20}$/.test(value) ? BigInt(value) : 0n)

/**
 * Quotes at the sandbox's fixed rates with Rafiki's sending fee (open_payments/quote/service.ts):
 * - fixed send (`debitAmount` given): the fee is computed on the debit amount and taken out of it
 *   before conversion, so the receiver gets less and `debitAmount` stays what was asked;
 * - fixed receive (`receiveAmount`, or what the incoming payment still lacks): the fee is computed on
 *   the converted amount and added to it, so `debitAmount` = what the receiver gets + fee.
 * Either way the quote's `debitAmount` includes the fee, and the fee (`debitAmount - debitAmountMinusFees`)
 * is stored to go to the fee account; only `debitAmountMinusFees` is sent.
 */
export function createQuoteService(deps: {
  db: Db
  config: SandboxConfig
  clock: Clock
  incomingPayments: IncomingPaymentService
}): QuoteService {
  const { db, config, clock } = deps
  const u = urls(config)
  const sendingFee = (): SendingFee => ({ fixed: BigInt(config.feeFixed), basisPoints: config.feeBasisPoints })

  return {
    async create({ wallet, client, receiver, debitAmount, receiveAmount }) {
      if (debitAmount && receiveAmount) return fail('invalid_amount', 'only one of debitAmount or receiveAmount')
      if (debitAmount) {
        if (minorUnits(debitAmount.value) <= 0n || debitAmount.assetCode !== wallet.assetCode || debitAmount.assetScale !== wallet.assetScale) {
          return fail('invalid_amount', `debitAmount must be a positive ${wallet.assetCode} amount at scale ${wallet.assetScale}`)
        }
      }
      if (receiveAmount && minorUnits(receiveAmount.value) <= 0n) return fail('invalid_amount', 'receiveAmount must be positive')

      const target = await deps.incomingPayments.resolveReceiver(receiver)
      if (!target || !deps.incomingPayments.isActive(target.payment)) return fail('invalid_receiver', 'not an active incoming payment here')
      const { payment, wallet: to } = target
      const lacking = payment.incomingAmount === null ? undefined : payment.incomingAmount - payment.receivedAmount
      if (receiveAmount) {
        if (receiveAmount.assetCode !== to.assetCode || receiveAmount.assetScale !== to.assetScale) {
          return fail('invalid_amount', `receiveAmount must be in ${to.assetCode} at scale ${to.assetScale}`)
        }
        if (lacking !== undefined && BigInt(receiveAmount.value) > lacking) return fail('invalid_amount', 'more than the incoming payment still lacks')
      } else if (!debitAmount && lacking === undefined) {
        return fail('invalid_amount', 'one of receiveAmount, debitAmount or incomingAmount (on the incoming payment) is required')
      }

      const fee = sendingFee()
      let debit: bigint
      let receive: bigint
      let minusFees: bigint
      if (debitAmount) {
        debit = BigInt(debitAmount.value)
        const charged = feeOn(debit, fee)
        minusFees = debit > charged ? debit - charged : 0n
        receive = convert(minusFees, wallet.assetCode, to.assetCode, 'down')
        if (minusFees <= 0n || receive <= 0n) {
          const value = minSendAmount(wallet.assetCode, to.assetCode, fee)
          return fail('non_positive_receive_amount', 'nothing is left to deliver after fees', {
            minSendAmount: { value: value.toString(), assetCode: wallet.assetCode, assetScale: wallet.assetScale }
          })
        }
        if (lacking !== undefined && receive > lacking) return fail('invalid_amount', 'more than the incoming payment still lacks')
      } else {
        receive = receiveAmount ? BigInt(receiveAmount.value) : lacking!
        minusFees = convert(receive, to.assetCode, wallet.assetCode, 'up')
        debit = minusFees + feeOn(minusFees, fee)
      }

      // A quote lives `quoteTtlSeconds`, and no longer than its incoming payment (Rafiki's calculateExpiry).
      const now = clock.now()
      const ttlEnd = new Date(now.getTime() + config.quoteTtlSeconds * 1000)
      const expiresAt = payment.expiresAt && payment.expiresAt < ttlEnd ? payment.expiresAt : ttlEnd
      const [created] = await db
        .insert(quotes)
        .values({
          walletAddressId: wallet.id,
          client,
          receiver,
          debitAmount: debit,
          debitAssetCode: wallet.assetCode,
          debitAssetScale: wallet.assetScale,
          receiveAmount: receive,
          receiveAssetCode: to.assetCode,
          receiveAssetScale: to.assetScale,
          fee: debit - minusFees,
          expiresAt,
          createdAt: now
        })
        .returning()
      return created!
    },

    async get(id, tx = db) {
      if (!isUuid(id)) return undefined
      const [row] = await tx.select().from(quotes).where(eq(quotes.id, id))
      return row
    },

    idFromUrl(url) {
      const parts = url.split('/')
      return parts.pop() || parts.pop() || undefined
    },

    toJson(quote, wallet) {
      return {
        id: u.quote(quote.id),
        walletAddress: u.walletAddress(wallet.name),
        receiver: quote.receiver,
        debitAmount: { value: quote.debitAmount.toString(), assetCode: quote.debitAssetCode, assetScale: quote.debitAssetScale },
        receiveAmount: {
          value: quote.receiveAmount.toString(),
          assetCode: quote.receiveAssetCode,
          assetScale: quote.receiveAssetScale
        },
        method: 'ilp',
        expiresAt: quote.expiresAt.toISOString(),
        createdAt: quote.createdAt.toISOString()
      }
    }
  }
}
