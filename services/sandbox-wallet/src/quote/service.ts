import { eq } from 'drizzle-orm'
import type { Db } from '@voces/platform'
import { quotes } from '../db/schema.ts'
import { urls, type SandboxConfig } from '../config.ts'
import { fail, type Failure } from '../http/errors.ts'
import { isUuid } from '../grant/service.ts'
import type { AmountJson } from '../grant/model.ts'
import type { IncomingPaymentService } from '../incoming-payment/service.ts'
import type { WalletAddress } from '../wallet-address/service.ts'
import { convert, feeOn } from './rates.ts'

export type Quote = typeof quotes.$inferSelect

export interface QuoteService {
  create(input: {
    wallet: WalletAddress
    client: string | null
    receiver: string
    debitAmount?: AmountJson
    receiveAmount?: AmountJson
  }): Promise<Quote | Failure>
  get(id: string): Promise<Quote | undefined>
  /** The quote a quote URL names. */
  fromUrl(url: string): Promise<Quote | undefined>
  toJson(quote: Quote, wallet: WalletAddress): Record<string, unknown>
}

const isMinorUnits = (value: string) => /^\d{1,20}$/.test(value) && BigInt(value) > 0n

/**
 * Quotes at the sandbox's fixed rates with a visible fee: the fee is the part of the debit amount the
 * receiver does not get (shown on the consent page and in the admin API), never hidden in the rate.
 */
export function createQuoteService(deps: { db: Db; config: SandboxConfig; incomingPayments: IncomingPaymentService }): QuoteService {
  const { db, config } = deps
  const u = urls(config)

  return {
    async create({ wallet, client, receiver, debitAmount, receiveAmount }) {
      if (debitAmount && receiveAmount) return fail('invalid_request', 'only one of debitAmount or receiveAmount')
      const target = await deps.incomingPayments.resolveReceiver(receiver)
      if (!target || !deps.incomingPayments.isActive(target.payment)) return fail('invalid_receiver')
      const { payment, wallet: receiverWallet } = target
      const remaining = payment.incomingAmount === null ? undefined : payment.incomingAmount - payment.receivedAmount
      const bps = config.feeBasisPoints

      let debit: bigint
      let receive: bigint
      let fee: bigint
      if (debitAmount) {
        if (debitAmount.assetCode !== wallet.assetCode || debitAmount.assetScale !== wallet.assetScale || !isMinorUnits(debitAmount.value)) {
          return fail('invalid_amount', `debitAmount must be a positive ${wallet.assetCode} amount at scale ${wallet.assetScale}`)
        }
        debit = BigInt(debitAmount.value)
        fee = feeOn(debit, bps)
        receive = convert(debit - fee, wallet.assetCode, receiverWallet.assetCode, 'down')
      } else {
        if (receiveAmount) {
          if (
            receiveAmount.assetCode !== receiverWallet.assetCode ||
            receiveAmount.assetScale !== receiverWallet.assetScale ||
            !isMinorUnits(receiveAmount.value)
          ) {
            return fail('invalid_amount', `receiveAmount must be a positive ${receiverWallet.assetCode} amount`)
          }
          receive = BigInt(receiveAmount.value)
        } else if (remaining !== undefined) {
          receive = remaining
        } else {
          return fail('invalid_amount', 'the receiver has no amount: give debitAmount or receiveAmount')
        }
        const principal = convert(receive, receiverWallet.assetCode, wallet.assetCode, 'up')
        fee = feeOn(principal, bps)
        debit = principal + fee
      }
      if (receive <= 0n) return fail('invalid_amount', 'the amount is too small to deliver anything')
      if (remaining !== undefined && receive > remaining) return fail('invalid_amount', 'more than the incoming payment still expects')

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
          receiveAssetCode: receiverWallet.assetCode,
          receiveAssetScale: receiverWallet.assetScale,
          fee,
          expiresAt: new Date(Date.now() + config.quoteTtlSeconds * 1000)
        })
        .returning()
      return created!
    },

    async get(id) {
      if (!isUuid(id)) return undefined
      const [row] = await db.select().from(quotes).where(eq(quotes.id, id))
      return row
    },

    async fromUrl(url) {
      const prefix = `${config.baseUrl}/quotes/`
      return url.startsWith(prefix) ? this.get(url.slice(prefix.length)) : undefined
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
