import type { PayoutGrantView, PayoutView } from '@voces/payments-contract'
import type { ConsentRow } from '../consent/model.ts'
import { amountView } from '../amount.ts'
import type { PayoutGrantRow, PayoutRow } from './model.ts'

/** A fixed-receive payout to a wallet in another asset is sent as fixed-send (steps.ts): say so. */
export function effectiveFixed(p: PayoutRow): PayoutRow['fixed'] {
  return p.fixed === 'receive' && p.receiveAssetCode !== null && (p.receiveAssetCode !== p.assetCode || p.receiveAssetScale !== p.assetScale) ? 'send' : p.fixed
}

/** What leaves escrow under the quote; a row quoted before debitValue was kept was a fixed-send one. */
export function payoutDebit(p: PayoutRow): bigint | null {
  return p.debitValue ?? (p.fixed === 'send' && p.receiveValue !== null ? p.amountValue : null)
}

/** What left escrow beyond what the receiver gets; shown in one asset only when both sides use it. */
export function payoutFee(p: PayoutRow) {
  const debit = payoutDebit(p)
  return debit !== null && p.receiveValue !== null && p.receiveAssetCode === p.assetCode && p.receiveAssetScale === p.assetScale
    ? amountView(debit - p.receiveValue, p.assetCode, p.assetScale)
    : null
}

export function payoutView(p: PayoutRow): PayoutView {
  return {
    id: p.id,
    reference: p.reference,
    sellerId: p.sellerId,
    receiverWalletAddressUrl: p.receiverWalletAddressUrl,
    status: p.state,
    fixed: effectiveFixed(p),
    amount: amountView(p.amountValue, p.assetCode, p.assetScale)!,
    debitAmount: amountView(payoutDebit(p), p.assetCode, p.assetScale),
    receiveAmount: amountView(p.receiveValue, p.receiveAssetCode, p.receiveAssetScale),
    /** What the escrow wallet reports sent, its fees excluded. */
    sentAmount: amountView(p.sentValue, p.assetCode, p.assetScale),
    /** What the receiver's incoming payment has received, as last read. */
    receivedAmount: amountView(p.receivedValue, p.receiveAssetCode, p.receiveAssetScale),
    fee: payoutFee(p),
    settleBy: p.settleBy?.toISOString() ?? null,
    incomingPaymentId: p.incomingPaymentId,
    quoteId: p.quoteId,
    outgoingPaymentId: p.outgoingPaymentId,
    failure: p.failureCode ? { code: p.failureCode, message: p.failureMessage ?? '' } : p.failureMessage ? { code: 'retrying', message: p.failureMessage } : null,
    createdAt: p.createdAt.toISOString(),
    updatedAt: p.updatedAt.toISOString(),
    completedAt: p.completedAt?.toISOString() ?? null
  }
}

export function payoutGrantView(g: PayoutGrantRow, consent: ConsentRow | undefined): PayoutGrantView {
  return {
    id: g.id,
    sellerId: g.sellerId,
    status: g.state,
    redirectUrl: g.state === 'awaiting_consent' ? (consent?.redirectUrl ?? null) : null,
    limit: amountView(g.limitValue, g.assetCode, g.assetScale)!,
    interval: g.interval,
    createdAt: g.createdAt.toISOString()
  }
}

export function payoutEventData(p: PayoutRow): Record<string, unknown> {
  return {
    id: p.id,
    reference: p.reference,
    sellerId: p.sellerId,
    status: p.state,
    fixed: p.fixed,
    amount: { value: p.amountValue.toString(), assetCode: p.assetCode, assetScale: p.assetScale },
    ...(p.failureCode ? { failure: { code: p.failureCode, message: p.failureMessage } } : {})
  }
}
