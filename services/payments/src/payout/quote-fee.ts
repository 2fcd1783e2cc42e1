import { isFailure, type Failure } from '../errors.ts'
import { parseAmount } from '../input.ts'
import { completeIncomingPayment } from '../open-payments/incoming.ts'
import type { PayoutDeps } from './deps.ts'
import type { PayoutFixed } from './model.ts'

export interface PayoutFeeQuote {
  receive: bigint
  debit: bigint
  assetCode: string
  assetScale: number
}

/**
 * The probe's incoming payment is completed right after the quote; its expiry only bounds a probe
 * that could not be closed, with room for the two servers' clocks not agreeing to the second.
 */
const PROBE_TTL_MS = 10 * 60_000

/**
 * What a payout of `amount` out of the seller's escrow would cost now, asked of the escrow wallet
 * itself: an incoming payment on the escrow wallet and a quote to it from the same wallet, never paid
 * (the incoming payment is completed empty right after). Fixed receive (creators' pay): the incoming
 * payment is for `amount` and so is the quote's receive amount. Fixed send (refunds): the incoming
 * payment has no amount and the quote debits exactly `amount`, the fee coming out of it. A wallet
 * charges its sending fee on the sending side (Rafiki: the sending asset's fee, whatever the
 * receiver), so this is what each payout to a wallet in the same asset will cost.
 */
export async function quotePayoutFee(deps: PayoutDeps, sellerId: string, amountText: string, fixed: PayoutFixed = 'receive'): Promise<PayoutFeeQuote | Failure> {
  const seller = await deps.sellers.get(sellerId)
  if (isFailure(seller)) return seller
  const wallet = await deps.openPayments.walletAddress(seller.walletAddressUrl, 'seller_wallet_address')
  if (isFailure(wallet)) return wallet
  const value = parseAmount(amountText, wallet)
  if (isFailure(value)) return value
  const amount = { value: value.toString(), assetCode: wallet.assetCode, assetScale: wallet.assetScale }
  const incoming = await deps.openPayments.withToken(seller, { authServer: wallet.authServer, access: 'incoming-payment' }, 'incoming_payment', (client, accessToken) =>
    client.incomingPayment.create(
      { url: wallet.resourceServer, accessToken },
      { walletAddress: wallet.id, ...(fixed === 'receive' ? { incomingAmount: amount } : {}), expiresAt: new Date(deps.clock.now().getTime() + PROBE_TTL_MS).toISOString(), metadata: { purpose: 'payout fee quote' } }
    )
  )
  if (isFailure(incoming)) return incoming
  const quote = await deps.openPayments.withToken(seller, { authServer: wallet.authServer, access: 'quote' }, 'quote', (client, accessToken) =>
    client.quote.create({ url: wallet.resourceServer, accessToken }, { walletAddress: wallet.id, receiver: incoming.id, method: 'ilp', ...(fixed === 'receive' ? { receiveAmount: amount } : { debitAmount: amount }) })
  )
  const closed = await completeIncomingPayment(deps.openPayments, seller, { walletAddressUrl: seller.walletAddressUrl, incomingPaymentUrl: incoming.id }, deps.clock.now())
  if (isFailure(closed)) deps.logger.info({ sellerId, reason: closed.message }, 'could not close the fee probe incoming payment (it expires on its own)')
  if (isFailure(quote)) return quote
  return { receive: BigInt(quote.receiveAmount.value), debit: BigInt(quote.debitAmount.value), assetCode: wallet.assetCode, assetScale: wallet.assetScale }
}
