import type {
  OpenPaymentsAmount,
  PaymentStatus,
  PaymentsClient,
  PayoutResult,
  PayoutStatus,
  RemotePaymentStatus,
  Result,
  StartedQuote,
  WalletInfo,
  WebhookDelivery
} from './types.ts'

/**
 * The payments service over HTTP, with the bearer token. Every response is narrowed to the typed
 * result here, so a change in the service's API breaks in one place.
 */
export function createHttpPaymentsClient(options: {
  baseUrl: string
  apiToken: string
  sellerId: string
  timeoutMs?: number
  /** Where a state the service sends and this app does not know is reported (an error, never a guess). */
  logger?: { error(details: object, message: string): void }
}): PaymentsClient {
  // Reads sit on page loads and polls: they must fail fast. Starting a quote talks to two wallets: it may take longer.
  const timeoutMs = options.timeoutMs ?? 4_000
  const slowTimeoutMs = Math.max(timeoutMs, 20_000)

  async function call(method: 'GET' | 'POST', path: string, body?: unknown, timeout = timeoutMs): Promise<Result<Record<string, unknown>>> {
    let response: Response
    try {
      response = await fetch(`${options.baseUrl}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${options.apiToken}`,
          accept: 'application/json',
          ...(body === undefined ? {} : { 'content-type': 'application/json' })
        },
        body: body === undefined ? null : JSON.stringify(body),
        signal: AbortSignal.timeout(timeout)
      })
    } catch (error) {
      return { ok: false, error: 'unreachable', message: (error as Error).message }
    }
    const text = await response.text()
    let json: Record<string, unknown> = {}
    try {
      json = text ? (JSON.parse(text) as Record<string, unknown>) : {}
    } catch {
      return { ok: false, error: 'unreachable', message: `non-JSON response ${response.status}` }
    }
    if (response.status === 404) return { ok: false, error: 'not_found', message: describe(json, response.status) }
    if (response.status >= 500) return { ok: false, error: 'unreachable', message: describe(json, response.status) }
    // The escrow wallet not yet connected for payouts is a state to wait out, not a refusal.
    const code = (json.error as Record<string, unknown> | undefined)?.code
    if (code === 'no_payout_grant') return { ok: false, error: 'unreachable', message: describe(json, response.status) }
    // The reference was already used: an earlier attempt reached the service. Not a refusal of the payout.
    if (code === 'reference_conflict') return { ok: false, error: 'conflict', message: describe(json, response.status) }
    if (!response.ok || json.success === false) {
      return { ok: false, error: 'rejected', message: describe(json, response.status) }
    }
    return { ok: true, value: json }
  }

  const unknown = (kind: 'payment' | 'payout', id: string, raw: string) =>
    options.logger?.error({ kind, id, status: raw }, 'the payments service sent a state this app does not know')
  const toStatus = (v: Record<string, unknown>, pendingId: string) => readStatus(v, pendingId, unknown)
  const toPayout = (v: Record<string, unknown>) => readPayout(v, unknown)

  return {
    async startQuote(input) {
      const r = await call('POST', `/offers/${encodeURIComponent(input.offerId)}/quotes/start`, {
        sellerId: options.sellerId,
        buyerWalletAddressUrl: input.buyerWalletAddressUrl,
        amount: input.amount,
        returnUrl: input.returnUrl
      }, slowTimeoutMs)
      if (!r.ok) return r
      const v = r.value
      const quote = (v.quote ?? {}) as Record<string, unknown>
      const started: StartedQuote = {
        pendingId: str(v.pendingId),
        redirectUrl: str(v.redirectUrl),
        paymentUrl: str(v.paymentUrl ?? v.redirectUrl),
        incomingPaymentId: str(v.incomingPaymentId),
        quoteId: str(v.quoteId),
        amount: str(v.amount),
        assetCode: str(v.assetCode),
        quote: {
          debitAmount: amount(quote.debitAmount),
          receiveAmount: amount(quote.receiveAmount),
          fee: quote.fee ? amount(quote.fee) : undefined,
          expiresAt: typeof quote.expiresAt === 'string' ? quote.expiresAt : undefined
        }
      }
      if (!started.pendingId || !started.redirectUrl) {
        return { ok: false, error: 'rejected', message: 'quote response without pendingId/redirectUrl' }
      }
      return { ok: true, value: started }
    },
    async getPaymentStatus(pendingId) {
      const r = await call('GET', `/payments/${encodeURIComponent(pendingId)}/status`)
      if (!r.ok) return r
      return { ok: true, value: toStatus(r.value, pendingId) }
    },
    async listOfferPayments(offerId) {
      const r = await call('GET', `/offers/${encodeURIComponent(offerId)}/payments`)
      if (!r.ok) return r
      const list = Array.isArray(r.value.payments) ? (r.value.payments as Record<string, unknown>[]) : []
      return { ok: true, value: list.map((p) => toStatus(p, str(p.pendingId ?? p.id))) }
    },
    async createPayout(input) {
      const r = await call('POST', '/payouts', { sellerId: options.sellerId, ...input }, slowTimeoutMs)
      if (!r.ok) return r
      return { ok: true, value: toPayout(r.value) }
    },
    async getPayout(id) {
      const r = await call('GET', `/payouts/${encodeURIComponent(id)}`)
      if (!r.ok) return r
      return { ok: true, value: toPayout(r.value) }
    },
    async reconcilePayment(pendingId) {
      // Checks two wallets before answering: the slow timeout.
      const r = await call('POST', `/payments/${encodeURIComponent(pendingId)}/reconcile`, {}, slowTimeoutMs)
      if (!r.ok) return r
      return { ok: true, value: toStatus(r.value, pendingId) }
    },
    async reconcilePayout(id) {
      const r = await call('POST', `/payouts/${encodeURIComponent(id)}/reconcile`, {}, slowTimeoutMs)
      if (!r.ok) return r
      return { ok: true, value: toPayout(r.value) }
    },
    async checkWallet(walletAddressUrl) {
      const r = await call('GET', `/wallet-addresses/check?url=${encodeURIComponent(walletAddressUrl)}`)
      if (r.ok) {
        const v = (r.value.walletAddress ?? r.value) as Record<string, unknown>
        return { ok: true, value: { id: str(v.id), assetCode: str(v.assetCode), assetScale: Number(v.assetScale ?? 0) } }
      }
      return r
    },
    async startPayoutGrant(input) {
      const r = await call(
        'POST',
        `/sellers/${encodeURIComponent(options.sellerId)}/payout-grant`,
        { debitLimit: input.debitLimit, returnUrl: input.returnUrl, ...(input.interval ? { interval: input.interval } : {}) },
        slowTimeoutMs
      )
      if (!r.ok) return r
      const redirectUrl = str(r.value.redirectUrl)
      if (!/^https?:\/\//.test(redirectUrl)) return { ok: false, error: 'rejected', message: 'payout grant response without redirectUrl' }
      return { ok: true, value: { redirectUrl } }
    },
    async listWebhookDeliveries(limit) {
      const r = await call('GET', `/webhook-deliveries?limit=${Math.max(1, Math.min(500, Math.trunc(limit)))}`)
      if (!r.ok) return r
      const list = Array.isArray(r.value.deliveries) ? (r.value.deliveries as Record<string, unknown>[]) : []
      return { ok: true, value: list.map(toDelivery) }
    }
  }
}

function describe(json: Record<string, unknown>, status: number): string {
  const error = json.error
  if (typeof error === 'string') return `${status} ${error}`
  if (error && typeof error === 'object') {
    const e = error as Record<string, unknown>
    return `${status} ${str(e.code)} ${str(e.description ?? e.message)}`.trim()
  }
  return `${status} ${str(json.message)}`.trim()
}

function str(v: unknown): string {
  return typeof v === 'string' ? v : typeof v === 'number' ? String(v) : ''
}

function amount(v: unknown): OpenPaymentsAmount {
  const a = (v ?? {}) as Record<string, unknown>
  return { value: str(a.value) || '0', assetCode: str(a.assetCode), assetScale: Number(a.assetScale ?? 0) }
}

/**
 * The payments service's payment states (services/payments/src/payment/model.ts), each read as what the
 * job page shows. Only states the service sends are here: anything else is `unknown`, reported.
 */
const PAYMENT_STATUS: Record<string, RemotePaymentStatus> = {
  starting: 'awaiting_consent',
  awaiting_consent: 'awaiting_consent',
  authorized: 'paying',
  sending: 'paying',
  needs_review: 'needs_review',
  completed: 'completed',
  failed: 'failed',
  rejected: 'rejected',
  expired: 'expired'
}

/** The payments service's payout states (services/payments/src/payout/model.ts), read as they are. */
const PAYOUT_STATUS: Record<string, PayoutStatus> = {
  pending: 'pending',
  sending: 'sending',
  needs_review: 'needs_review',
  completed: 'completed',
  failed: 'failed'
}

type OnUnknown = (kind: 'payment' | 'payout', id: string, raw: string) => void

function optionalAmount(v: unknown): OpenPaymentsAmount | undefined {
  return v && typeof v === 'object' ? amount(v) : undefined
}

function failureOf(v: unknown): string | undefined {
  const failure = v as Record<string, unknown> | null | undefined
  return failure ? `${str(failure.code)} ${str(failure.message)}`.trim() : undefined
}

function readStatus(v: Record<string, unknown>, pendingId: string, onUnknown: OnUnknown): PaymentStatus {
  // GET /payments/:id/status answers {status, payment: {...}}; history items are the payment itself.
  const payment = (v.payment ?? v) as Record<string, unknown>
  const id = str(payment.pendingId) || pendingId
  const raw = str(payment.status ?? v.status)
  const status = Object.hasOwn(PAYMENT_STATUS, raw) ? PAYMENT_STATUS[raw]! : 'unknown'
  if (status === 'unknown') onUnknown('payment', id, raw)
  return {
    pendingId: id,
    status,
    // What escrow received: the quote's receive amount, once the payment completed.
    receivedAmount: status === 'completed' ? optionalAmount(payment.receiveAmount) : undefined,
    fee: optionalAmount(payment.fee),
    walletResult: typeof payment.walletResult === 'string' && payment.walletResult ? payment.walletResult : undefined,
    failureReason: status === 'unknown' ? `unknown_state ${raw}`.trim() : failureOf(payment.failure)
  }
}

function readPayout(v: Record<string, unknown>, onUnknown: OnUnknown): PayoutResult {
  const p = (v.payout ?? v) as Record<string, unknown>
  const raw = str(p.status)
  const status = Object.hasOwn(PAYOUT_STATUS, raw) ? PAYOUT_STATUS[raw]! : 'unknown'
  if (status === 'unknown') onUnknown('payout', str(p.id), raw)
  return {
    id: str(p.id),
    status,
    amount: optionalAmount(p.amount),
    receiveAmount: optionalAmount(p.receiveAmount),
    sentAmount: optionalAmount(p.sentAmount),
    fee: optionalAmount(p.fee),
    failureReason: status === 'unknown' ? `unknown_state ${raw}`.trim() : failureOf(p.failure)
  }
}

function toDelivery(d: Record<string, unknown>): WebhookDelivery {
  return {
    id: Number(d.id ?? 0),
    eventId: str(d.eventId),
    type: str(d.type),
    attempt: Number(d.attempt ?? 0),
    statusCode: typeof d.statusCode === 'number' ? d.statusCode : null,
    error: typeof d.error === 'string' ? d.error : null,
    durationMs: Number(d.durationMs ?? 0),
    createdAt: str(d.createdAt),
    eventDeliveredAt: typeof d.eventDeliveredAt === 'string' ? d.eventDeliveredAt : null
  }
}

export type { WalletInfo }
