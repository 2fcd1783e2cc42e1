import { randomUUID } from 'node:crypto'
import type { WalletAddressProblem } from '@voces/payments-contract'
import type {
  OpenPaymentsAmount,
  PaymentStatus,
  PaymentsClient,
  PayoutGrantInput,
  PayoutResult,
  RemotePaymentStatus,
  StartedQuote,
  WalletResult,
  WebhookDelivery
} from './types.ts'

type FakePayment = PaymentStatus & { offerId: string; buyer: string; amount: string; receive: bigint; assetScale: number }
/** A payout as the fake holds it: `amount` is the decimal string it was asked to send. */
type FakePayout = Pick<PayoutResult, 'id' | 'status' | 'failureReason'> & { reference: string; amount: string; fixed: 'receive' | 'send'; receiver: string }

/**
 * An in-memory stand-in for the payments service, for tests and for running the app without it.
 * Tests drive it: `fake.settle(pendingId, 'completed')`, `fake.walletSays(pendingId, 'grant_rejected')`,
 * `fake.unreachable = true`, `fake.wallets`, `fake.fee` (funding) and `fake.payoutFee` (taken from
 * what a payout delivers), `fake.onReconcile` (what a reconcile finds).
 * It follows the service's contract where the web app depends on it: an identical start while a
 * payment is open returns that payment, unless its wallet reported a result — then that payment ends
 * (`rejected` after `grant_rejected`, else `expired`; failure `superseded`) and a new one starts.
 */
export interface FakePaymentsClient extends PaymentsClient {
  unreachable: boolean
  /** Wallet addresses that exist; others are "not found". Empty set = all URLs exist. */
  wallets: Set<string>
  /** Wallet addresses refused for another cause (not_a_wallet, unreachable, not_allowed), as the service says. */
  walletProblems: Map<string, WalletAddressProblem>
  /** Wallet addresses in another asset than the escrow's (the check answers with it); others hold the escrow's. */
  walletAssets: Map<string, { assetCode: string; assetScale: number }>
  fee: bigint
  payoutFee: bigint
  payments: Map<string, FakePayment>
  payoutsByReference: Map<string, FakePayout>
  payoutCalls: number
  payoutGrantRequests: PayoutGrantInput[]
  webhookDeliveries: WebhookDelivery[]
  /** Reconcile calls, by id; `onReconcile` maps an id to the state the wallets then show. */
  reconciled: string[]
  onReconcile: Map<string, string>
  settle(pendingId: string, status: RemotePaymentStatus, failureReason?: string): void
  /** The buyer's wallet redirected with `result=` instead of approving. */
  walletSays(pendingId: string, result: WalletResult): void
  settlePayout(id: string, status: PayoutResult['status'], failureReason?: string): void
}

const OPEN: readonly RemotePaymentStatus[] = ['awaiting_consent', 'paying', 'needs_review', 'unknown']

export function createFakePaymentsClient(options: { assetCode?: string; assetScale?: number } = {}): FakePaymentsClient {
  const assetCode = options.assetCode ?? 'MXN'
  const assetScale = options.assetScale ?? 2
  const down = { ok: false as const, error: 'unreachable' as const, message: 'fake: unreachable' }
  const minor = (value: bigint): OpenPaymentsAmount => ({ value: String(value), assetCode, assetScale })

  function paymentView(p: FakePayment): PaymentStatus {
    return {
      pendingId: p.pendingId,
      status: p.status,
      receivedAmount: p.status === 'completed' ? { value: String(p.receive), assetCode, assetScale: p.assetScale } : undefined,
      fee: minor(fake.fee),
      walletResult: p.walletResult,
      failureCode: p.failureReason?.split(' ')[0],
      failureReason: p.failureReason
    }
  }

  function payoutView(p: FakePayout): PayoutResult {
    // As the service: fixed receive adds the fee to what leaves escrow, fixed send takes it out.
    const asked = parse(p.amount)
    const sent = p.fixed === 'receive' ? asked + fake.payoutFee : asked
    const receive = sent - fake.payoutFee
    return {
      id: p.id,
      status: p.status,
      fixed: p.fixed,
      amount: minor(asked),
      debitAmount: minor(sent),
      receiveAmount: minor(receive),
      sentAmount: p.status === 'completed' ? minor(receive) : undefined,
      fee: minor(fake.payoutFee),
      failureReason: p.failureReason
    }
  }

  function parse(decimal: string): bigint {
    const [whole = '0', frac = ''] = decimal.split('.')
    return BigInt(whole) * 10n ** BigInt(assetScale) + BigInt(frac.padEnd(assetScale, '0') || '0')
  }

  const fake: FakePaymentsClient = {
    unreachable: false,
    wallets: new Set(),
    walletProblems: new Map(),
    walletAssets: new Map(),
    fee: 0n,
    payoutFee: 0n,
    payments: new Map(),
    payoutsByReference: new Map(),
    payoutCalls: 0,
    payoutGrantRequests: [],
    webhookDeliveries: [],
    reconciled: [],
    onReconcile: new Map(),
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
      const receive = parse(input.amount)
      const same = [...fake.payments.values()].find(
        (p) => p.offerId === input.offerId && p.buyer === input.buyerWalletAddressUrl && p.amount === input.amount && OPEN.includes(p.status)
      )
      if (same && same.walletResult === undefined) return { ok: true, value: started(same.pendingId, input.amount, receive) }
      if (same) {
        same.status = same.walletResult === 'grant_rejected' ? 'rejected' : 'expired'
        same.failureReason = 'superseded a new start replaced it'
      }
      const pendingId = randomUUID()
      fake.payments.set(pendingId, {
        pendingId,
        status: 'awaiting_consent',
        offerId: input.offerId,
        buyer: input.buyerWalletAddressUrl,
        amount: input.amount,
        receive,
        assetScale
      })
      return { ok: true, value: started(pendingId, input.amount, receive) }
    },
    async getPaymentStatus(pendingId) {
      if (fake.unreachable) return down
      const p = fake.payments.get(pendingId)
      if (!p) return { ok: false, error: 'not_found', message: 'fake: no such payment' }
      return { ok: true, value: paymentView(p) }
    },
    async reconcilePayment(pendingId) {
      if (fake.unreachable) return down
      const p = fake.payments.get(pendingId)
      if (!p) return { ok: false, error: 'not_found', message: 'fake: no such payment' }
      fake.reconciled.push(pendingId)
      const found = fake.onReconcile.get(pendingId)
      if (found) p.status = found as RemotePaymentStatus
      return { ok: true, value: paymentView(p) }
    },
    async listOfferPayments(offerId) {
      if (fake.unreachable) return down
      return { ok: true, value: [...fake.payments.values()].filter((p) => p.offerId === offerId).map(paymentView) }
    },
    async createPayout(input) {
      fake.payoutCalls++
      if (fake.unreachable) return down
      const existing = fake.payoutsByReference.get(input.reference)
      if (existing && (existing.receiver !== input.receiverWalletAddressUrl || existing.amount !== input.amount || existing.fixed !== input.fixed)) {
        return { ok: false, error: 'conflict', message: '409 reference_conflict fake: reference used for a different payout' }
      }
      if (existing) return { ok: true, value: payoutView(existing) }
      const payout: FakePayout = {
        id: randomUUID(),
        status: 'sending',
        reference: input.reference,
        amount: input.amount,
        fixed: input.fixed,
        receiver: input.receiverWalletAddressUrl
      }
      fake.payoutsByReference.set(input.reference, payout)
      return { ok: true, value: payoutView(payout) }
    },
    async getPayout(id) {
      if (fake.unreachable) return down
      const p = [...fake.payoutsByReference.values()].find((x) => x.id === id)
      if (!p) return { ok: false, error: 'not_found', message: 'fake: no such payout' }
      return { ok: true, value: payoutView(p) }
    },
    async reconcilePayout(id) {
      if (fake.unreachable) return down
      const p = [...fake.payoutsByReference.values()].find((x) => x.id === id)
      if (!p) return { ok: false, error: 'not_found', message: 'fake: no such payout' }
      fake.reconciled.push(id)
      const found = fake.onReconcile.get(id)
      if (found) p.status = found as PayoutResult['status']
      return { ok: true, value: payoutView(p) }
    },
    async quotePayoutFee() {
      if (fake.unreachable) return down
      return { ok: true, value: minor(fake.payoutFee) }
    },
    async checkWallet(url) {
      if (fake.unreachable) return down
      const problem = fake.walletProblems.get(url)
      if (problem) return { ok: false, error: 'rejected', message: `fake: ${problem}`, reason: problem }
      if (fake.wallets.size > 0 && !fake.wallets.has(url)) {
        return { ok: false, error: 'rejected', message: 'fake: no such wallet address', reason: 'not_found' }
      }
      return { ok: true, value: { id: url, assetCode, assetScale, ...fake.walletAssets.get(url) } }
    },
    settle(pendingId, status, failureReason) {
      const p = fake.payments.get(pendingId)
      if (p) {
        p.status = status
        p.failureReason = failureReason
      }
    },
    walletSays(pendingId, result) {
      const p = fake.payments.get(pendingId)
      if (p) p.walletResult = result
    },
    settlePayout(id, status, failureReason) {
      for (const p of fake.payoutsByReference.values()) {
        if (p.id === id) {
          p.status = status
          p.failureReason = failureReason
        }
      }
    }
  }

  function started(pendingId: string, amount: string, receive: bigint): StartedQuote {
    return {
      pendingId,
      redirectUrl: `http://wallet.test/consent/${pendingId}`,
      paymentUrl: `http://wallet.test/consent/${pendingId}`,
      incomingPaymentId: `http://wallet.test/incoming-payments/${pendingId}`,
      quoteId: `http://wallet.test/quotes/${pendingId}`,
      amount,
      assetCode,
      quote: {
        debitAmount: minor(receive + fake.fee),
        receiveAmount: minor(receive),
        fee: minor(fake.fee),
        expiresAt: new Date(Date.now() + 5 * 60_000).toISOString()
      }
    }
  }
  return fake
}
