import { randomUUID } from 'node:crypto'
import type { PaymentStatus, PaymentsClient, PayoutGrantInput, PayoutResult, RemotePaymentStatus, StartedQuote, WebhookDelivery } from './types.ts'

/**
 * An in-memory stand-in for the payments service, for tests and for running the app without it.
 * Tests drive it: `fake.settle(pendingId, 'completed')`, `fake.unreachable = true`, `fake.wallets`.
 */
export interface FakePaymentsClient extends PaymentsClient {
  unreachable: boolean
  /** Wallet addresses that exist; others are "not a wallet". Empty set = all URLs exist. */
  wallets: Set<string>
  fee: bigint
  payments: Map<string, PaymentStatus & { offerId: string; receive: bigint; assetScale: number }>
  payoutsByReference: Map<string, PayoutResult & { reference: string; amount: string; receiver: string }>
  payoutCalls: number
  payoutGrantRequests: PayoutGrantInput[]
  webhookDeliveries: WebhookDelivery[]
  settle(pendingId: string, status: RemotePaymentStatus): void
  settlePayout(id: string, status: PayoutResult['status']): void
}

export function createFakePaymentsClient(options: { assetCode?: string; assetScale?: number } = {}): FakePaymentsClient {
  const assetCode = options.assetCode ?? 'MXN'
  const assetScale = options.assetScale ?? 2
  const down = { ok: false as const, error: 'unreachable' as const, message: 'fake: unreachable' }
  const fake: FakePaymentsClient = {
    unreachable: false,
    wallets: new Set(),
    fee: 0n,
    payments: new Map(),
    payoutsByReference: new Map(),
    payoutCalls: 0,
    payoutGrantRequests: [],
    webhookDeliveries: [],
    async startPayoutGrant(input) {
      if (fake.unreachable) return down
      fake.payoutGrantRequests.push(input)
      return { ok: true, value: { redirectUrl: `http://wallet.test/payout-grant/${fake.payoutGrantRequests.length}` } }
    },
    async listWebhookDeliveries(limit) {
      if (fake.unreachable) return down
      return { ok: true, value: fake.webhookDeliveries.slice(0, limit) }
    },
    async startQuote(input) {
      if (fake.unreachable) return down
      const [whole = '0', frac = ''] = input.amount.split('.')
      const receive = BigInt(whole) * 10n ** BigInt(assetScale) + BigInt(frac.padEnd(assetScale, '0') || '0')
      const pendingId = randomUUID()
      fake.payments.set(pendingId, {
        pendingId,
        status: 'awaiting_consent',
        offerId: input.offerId,
        receive,
        assetScale
      })
      const started: StartedQuote = {
        pendingId,
        redirectUrl: `http://wallet.test/consent/${pendingId}`,
        paymentUrl: `http://wallet.test/consent/${pendingId}`,
        incomingPaymentId: `http://wallet.test/incoming-payments/${pendingId}`,
        quoteId: `http://wallet.test/quotes/${pendingId}`,
        amount: input.amount,
        assetCode,
        quote: {
          debitAmount: { value: String(receive + fake.fee), assetCode, assetScale },
          receiveAmount: { value: String(receive), assetCode, assetScale },
          fee: { value: String(fake.fee), assetCode, assetScale },
          expiresAt: new Date(Date.now() + 5 * 60_000).toISOString()
        }
      }
      return { ok: true, value: started }
    },
    async getPaymentStatus(pendingId) {
      if (fake.unreachable) return down
      const p = fake.payments.get(pendingId)
      if (!p) return { ok: false, error: 'not_found', message: 'fake: no such payment' }
      return {
        ok: true,
        value: {
          pendingId,
          status: p.status,
          receivedAmount:
            p.status === 'completed' ? { value: String(p.receive), assetCode, assetScale: p.assetScale } : undefined
        }
      }
    },
    async listOfferPayments(offerId) {
      if (fake.unreachable) return down
      return { ok: true, value: [...fake.payments.values()].filter((p) => p.offerId === offerId) }
    },
    async createPayout(input) {
      fake.payoutCalls++
      if (fake.unreachable) return down
      const existing = fake.payoutsByReference.get(input.reference)
      if (existing && (existing.receiver !== input.receiverWalletAddressUrl || existing.amount !== input.amount)) {
        return { ok: false, error: 'conflict', message: '409 reference_conflict fake: reference used for a different payout' }
      }
      if (existing) return { ok: true, value: { id: existing.id, status: existing.status } }
      const payout = {
        id: randomUUID(),
        status: 'sending' as const,
        reference: input.reference,
        amount: input.amount,
        receiver: input.receiverWalletAddressUrl
      }
      fake.payoutsByReference.set(input.reference, payout)
      return { ok: true, value: { id: payout.id, status: payout.status } }
    },
    async getPayout(id) {
      if (fake.unreachable) return down
      const p = [...fake.payoutsByReference.values()].find((x) => x.id === id)
      if (!p) return { ok: false, error: 'not_found', message: 'fake: no such payout' }
      return { ok: true, value: { id: p.id, status: p.status } }
    },
    async checkWallet(url) {
      if (fake.unreachable) return down
      if (fake.wallets.size > 0 && !fake.wallets.has(url)) {
        return { ok: false, error: 'not_found', message: 'fake: not a wallet address' }
      }
      return { ok: true, value: { id: url, assetCode, assetScale } }
    },
    settle(pendingId, status) {
      const p = fake.payments.get(pendingId)
      if (p) p.status = status
    },
    settlePayout(id, status) {
      for (const p of fake.payoutsByReference.values()) if (p.id === id) p.status = status
    }
  }
  return fake
}
