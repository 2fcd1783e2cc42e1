import type { PaymentView } from '@voces/payments-contract'
import { amountView, type AmountView } from '../amount.ts'
import type { ConsentRow } from '../consent/model.ts'
import type { PaymentRow } from './model.ts'

/** What the buyer paid beyond what escrow receives; shown in one asset only when both sides use it. */
export function paymentFee(p: PaymentRow): AmountView | null {
  return p.debitValue !== null && p.receiveValue !== null && p.debitAssetCode === p.assetCode && p.debitAssetScale === p.assetScale
    ? amountView(p.debitValue - p.receiveValue, p.assetCode, p.assetScale)
    : null
}

/** The API's view of a payment: amounts as strings, no tokens, nonces or continuation details. */
export function paymentView(p: PaymentRow, consent: ConsentRow | undefined): PaymentView {
  return {
    pendingId: p.id,
    offerId: p.offerId,
    sellerId: p.sellerId,
    buyerWalletAddressUrl: p.buyerWalletAddressUrl,
    status: p.state,
    amount: amountView(p.amountValue, p.assetCode, p.assetScale)!,
    debitAmount: amountView(p.debitValue, p.debitAssetCode, p.debitAssetScale),
    receiveAmount: amountView(p.receiveValue, p.assetCode, p.assetScale),
    /** What the buyer's wallet reports sent, its fees excluded: for display, never a measure of arrival. */
    sentAmount: amountView(p.sentValue, p.debitAssetCode, p.debitAssetScale),
    /** What the escrow's incoming payment has received, as last read. */
    receivedAmount: amountView(p.receivedValue, p.assetCode, p.assetScale),
    fee: paymentFee(p),
    /** What the wallet's last unsigned redirect said instead of approving; shown, never acted on. */
    walletResult: consent?.walletResult ?? null,
    settleBy: p.settleBy?.toISOString() ?? null,
    incomingPaymentId: p.incomingPaymentId,
    quoteId: p.quoteId,
    quoteExpiresAt: p.quoteExpiresAt?.toISOString() ?? null,
    outgoingPaymentId: p.outgoingPaymentId,
    consentExpiresAt: p.consentExpiresAt?.toISOString() ?? null,
    failure: p.failureCode ? { code: p.failureCode, message: p.failureMessage ?? '' } : null,
    createdAt: p.createdAt.toISOString(),
    updatedAt: p.updatedAt.toISOString(),
    completedAt: p.completedAt?.toISOString() ?? null
  }
}

/** What webhooks carry: ids and state only. Receivers re-read the status. */
export function paymentEventData(p: PaymentRow): Record<string, unknown> {
  return {
    pendingId: p.id,
    offerId: p.offerId,
    sellerId: p.sellerId,
    status: p.state,
    amount: { value: p.amountValue.toString(), assetCode: p.assetCode, assetScale: p.assetScale },
    ...(p.failureCode ? { failure: { code: p.failureCode, message: p.failureMessage } } : {})
  }
}
