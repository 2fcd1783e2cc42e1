import type { Amount } from './amount.ts'
import type { PaymentView } from './payment.ts'
import type { PayoutGrantView, PayoutView } from './payout.ts'

/**
 * Builders of complete contract values for tests of the contract's consumers, each with
 * Partial<T> overrides (as the Open Payments SDK's own test builders do): a stub answers what the
 * real service would, field for field, and a field added to the contract is added here once.
 */
export const mockAmount = (value: string, assetCode = 'MXN', assetScale = 2): Amount => ({
  value,
  assetCode,
  assetScale,
  formatted: (Number(value) / 10 ** assetScale).toFixed(assetScale)
})

const at = '2026-01-01T00:00:00.000Z'

export function mockPaymentView(overrides: Partial<PaymentView> = {}): PaymentView {
  return {
    pendingId: 'p1',
    offerId: 'offer-1',
    sellerId: 'marketplace',
    buyerWalletAddressUrl: 'http://wallet.test/buyer',
    status: 'awaiting_consent',
    amount: mockAmount('1000'),
    debitAmount: mockAmount('1060'),
    receiveAmount: mockAmount('1000'),
    sentAmount: null,
    receivedAmount: null,
    fee: mockAmount('60'),
    walletResult: null,
    settleBy: null,
    incomingPaymentId: 'http://wallet.test/incoming-payments/1',
    quoteId: 'http://wallet.test/quotes/1',
    quoteExpiresAt: at,
    outgoingPaymentId: null,
    consentExpiresAt: at,
    failure: null,
    createdAt: at,
    updatedAt: at,
    completedAt: null,
    ...overrides
  }
}

export function mockPayoutView(overrides: Partial<PayoutView> = {}): PayoutView {
  return {
    id: 'o1',
    reference: 'ref-1',
    sellerId: 'marketplace',
    receiverWalletAddressUrl: 'http://wallet.test/creator',
    status: 'pending',
    fixed: 'receive',
    amount: mockAmount('1000'),
    debitAmount: null,
    receiveAmount: null,
    sentAmount: null,
    receivedAmount: null,
    fee: null,
    settleBy: null,
    incomingPaymentId: null,
    quoteId: null,
    outgoingPaymentId: null,
    failure: null,
    createdAt: at,
    updatedAt: at,
    completedAt: null,
    ...overrides
  }
}

export function mockPayoutGrantView(overrides: Partial<PayoutGrantView> = {}): PayoutGrantView {
  return { id: 'g1', sellerId: 'marketplace', status: 'awaiting_consent', redirectUrl: 'http://wallet.test/consent/g1', limit: mockAmount('50000'), interval: null, createdAt: at, ...overrides }
}
