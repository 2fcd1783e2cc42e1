import {
  PaymentHistoryResponse,
  PaymentState,
  PaymentStatusResponse,
  PayoutFeeQuoteResponse,
  PayoutGrantResponse,
  PayoutResponse,
  PayoutState,
  StartPaymentResponse,
  WalletAddressCheckResponse,
  WalletAddressProblem,
  WebhookDeliveriesResponse,
  type Amount,
  type PaymentView,
  type PayoutView
} from '@voces/payments-contract'
import type { z } from 'zod'
import type {
  OpenPaymentsAmount,
  PaymentStatus,
  PaymentsClient,
  PayoutResult,
  RemotePaymentStatus,
  Result,
  StartedQuote,
  WalletInfo,
  WebhookDelivery
} from './types.ts'

/**
 * The payments service over HTTP, with the bearer token. Every answer is checked against the one
 * contract both sides compile against (@voces/payments-contract): a field changed there fails
 * type-checking here, and an answer that breaks it is logged and reported as an error, never read
 * with defaults. A state this app does not know yet (a newer service) is logged and shown as unknown.
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
    // A wallet address the service could not use, with its cause: the wallet's problem (even an
    // unreachable wallet, answered 503), never the payments service's.
    const reason = WalletAddressProblem.safeParse((json.error as Record<string, unknown> | undefined)?.reason)
    if (reason.success) return { ok: false, error: 'rejected', message: describe(json, response.status), reason: reason.data }
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

  /** Checks an answer against its contract schema; one that breaks it is an error, logged. */
  function decode<S extends z.ZodType>(r: Result<Record<string, unknown>>, schema: S, path: string): Result<z.infer<S>> {
    if (!r.ok) return r
    const parsed = schema.safeParse(r.value)
    if (parsed.success) return { ok: true, value: parsed.data }
    const problems = parsed.error.issues.slice(0, 5).map((i) => `${i.path.join('.')}: ${i.message}`)
    options.logger?.error({ path, problems }, 'the payments service answered outside its contract')
    return { ok: false, error: 'unreachable', message: `answer outside the contract (${problems.join('; ')})` }
  }

  const onUnknown = (kind: 'payment' | 'payout', id: string, raw: unknown) =>
    options.logger?.error({ kind, id, status: raw }, 'the payments service sent a state this app does not know')

  /** A payment as the contract says, or `unknown` (logged) when its state is one this app does not know. */
  function payment(raw: unknown, fallbackId: string, path: string): Result<PaymentStatus> {
    const item = (raw ?? {}) as Record<string, unknown>
    if (!PaymentState.safeParse(item.status).success) {
      const id = typeof item.pendingId === 'string' ? item.pendingId : fallbackId
      onUnknown('payment', id, item.status)
      return { ok: true, value: { pendingId: id, status: 'unknown', failureReason: `unknown_state ${String(item.status)}` } }
    }
    const view = decode({ ok: true, value: item }, PaymentStatusResponse.shape.payment, path)
    return view.ok ? { ok: true, value: toPaymentStatus(view.value) } : view
  }

  function payout(r: Result<Record<string, unknown>>, path: string): Result<PayoutResult> {
    if (!r.ok) return r
    const item = (r.value.payout ?? {}) as Record<string, unknown>
    if (!PayoutState.safeParse(item.status).success) {
      onUnknown('payout', String(item.id ?? ''), item.status)
      return { ok: true, value: { id: String(item.id ?? ''), status: 'unknown', failureReason: `unknown_state ${String(item.status)}` } }
    }
    const decoded = decode(r, PayoutResponse, path)
    return decoded.ok ? { ok: true, value: toPayoutResult(decoded.value.payout) } : decoded
  }

  return {
    async startQuote(input) {
      const path = `/offers/${encodeURIComponent(input.offerId)}/quotes/start`
      const r = decode(
        await call('POST', path, { sellerId: options.sellerId, buyerWalletAddressUrl: input.buyerWalletAddressUrl, amount: input.amount, returnUrl: input.returnUrl }, slowTimeoutMs),
        StartPaymentResponse,
        path
      )
      if (!r.ok) return r
      const v = r.value
      if (!v.redirectUrl || !v.quote.debitAmount || !v.quote.receiveAmount) {
        return { ok: false, error: 'rejected', message: 'quote response without a consent URL or quote amounts' }
      }
      const started: StartedQuote = {
        pendingId: v.pendingId,
        redirectUrl: v.redirectUrl,
        paymentUrl: v.paymentUrl ?? v.redirectUrl,
        incomingPaymentId: v.incomingPaymentId ?? '',
        quoteId: v.quoteId ?? '',
        amount: v.amount,
        assetCode: v.assetCode,
        quote: {
          debitAmount: minor(v.quote.debitAmount),
          receiveAmount: minor(v.quote.receiveAmount),
          fee: optional(v.quote.fee),
          expiresAt: v.quote.expiresAt ?? undefined
        }
      }
      return { ok: true, value: started }
    },
    async getPaymentStatus(pendingId) {
      const path = `/payments/${encodeURIComponent(pendingId)}/status`
      const r = await call('GET', path)
      return r.ok ? payment(r.value.payment, pendingId, path) : r
    },
    async listOfferPayments(offerId) {
      const path = `/offers/${encodeURIComponent(offerId)}/payments`
      const r = await call('GET', path)
      if (!r.ok) return r
      const items = Array.isArray(r.value.payments) ? (r.value.payments as unknown[]) : undefined
      if (!items) return decode(r, PaymentHistoryResponse, path) as Result<never>
      const list: PaymentStatus[] = []
      for (const item of items) {
        const one = payment(item, '', path)
        if (!one.ok) return one
        list.push(one.value)
      }
      return { ok: true, value: list }
    },
    async createPayout(input) {
      return payout(await call('POST', '/payouts', { sellerId: options.sellerId, ...input }, slowTimeoutMs), '/payouts')
    },
    async getPayout(id) {
      const path = `/payouts/${encodeURIComponent(id)}`
      return payout(await call('GET', path), path)
    },
    async reconcilePayment(pendingId) {
      // Checks two wallets before answering: the slow timeout.
      const path = `/payments/${encodeURIComponent(pendingId)}/reconcile`
      const r = await call('POST', path, {}, slowTimeoutMs)
      return r.ok ? payment(r.value.payment, pendingId, path) : r
    },
    async reconcilePayout(id) {
      const path = `/payouts/${encodeURIComponent(id)}/reconcile`
      return payout(await call('POST', path, {}, slowTimeoutMs), path)
    },
    async checkWallet(walletAddressUrl) {
      const path = '/wallet-addresses/check'
      // The service fetches the wallet before answering (bounded by its wallet timeout): the slow timeout,
      // so that a slow wallet is not taken for a payments service that does not answer.
      const r = decode(await call('GET', `${path}?url=${encodeURIComponent(walletAddressUrl)}`, undefined, slowTimeoutMs), WalletAddressCheckResponse, path)
      if (!r.ok) return r
      const { id, assetCode, assetScale } = r.value.walletAddress
      return { ok: true, value: { id, assetCode, assetScale } }
    },
    async quotePayoutFee(amount, fixed = 'receive') {
      const path = `/sellers/${encodeURIComponent(options.sellerId)}/payout-fee`
      const r = decode(await call('POST', path, { amount, fixed }, slowTimeoutMs), PayoutFeeQuoteResponse, path)
      return r.ok ? { ok: true, value: minor(r.value.fee) } : r
    },
    async startPayoutGrant(input) {
      const path = `/sellers/${encodeURIComponent(options.sellerId)}/payout-grant`
      const r = decode(
        await call('POST', path, { debitLimit: input.debitLimit, returnUrl: input.returnUrl, ...(input.interval ? { interval: input.interval } : {}) }, slowTimeoutMs),
        PayoutGrantResponse,
        path
      )
      if (!r.ok) return r
      const redirectUrl = r.value.redirectUrl ?? ''
      if (!/^https?:\/\//.test(redirectUrl)) return { ok: false, error: 'rejected', message: 'payout grant response without redirectUrl' }
      return { ok: true, value: { redirectUrl } }
    },
    async listWebhookDeliveries(limit) {
      const path = '/webhook-deliveries'
      const r = decode(await call('GET', `${path}?limit=${Math.max(1, Math.min(500, Math.trunc(limit)))}`), WebhookDeliveriesResponse, path)
      return r.ok ? { ok: true, value: r.value.deliveries satisfies WebhookDelivery[] } : r
    }
  }
}

function describe(json: Record<string, unknown>, status: number): string {
  const error = json.error
  if (typeof error === 'string') return `${status} ${error}`
  if (error && typeof error === 'object') {
    const e = error as Record<string, unknown>
    return `${status} ${String(e.code ?? '')} ${String(e.description ?? e.message ?? '')}`.trim()
  }
  return `${status} ${typeof json.message === 'string' ? json.message : ''}`.trim()
}

const minor = (a: Amount): OpenPaymentsAmount => ({ value: a.value, assetCode: a.assetCode, assetScale: a.assetScale })
const optional = (a: Amount | null): OpenPaymentsAmount | undefined => (a ? minor(a) : undefined)
const failureOf = (f: { code: string; message: string } | null) => (f ? `${f.code} ${f.message}`.trim() : undefined)

/**
 * The service's payment states, each read as what the job page shows. A Record over the contract's
 * enum: a state added there fails type-checking here until it is given a meaning.
 */
const PAYMENT_STATUS: Record<PaymentState, RemotePaymentStatus> = {
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

function toPaymentStatus(p: PaymentView): PaymentStatus {
  const status = PAYMENT_STATUS[p.status]
  return {
    pendingId: p.pendingId,
    status,
    // What escrow received: the quote's receive amount, once the payment completed.
    receivedAmount: status === 'completed' ? optional(p.receiveAmount) : undefined,
    fee: optional(p.fee),
    walletResult: p.walletResult ?? undefined,
    failureCode: p.failure?.code,
    failureReason: failureOf(p.failure)
  }
}

function toPayoutResult(p: PayoutView): PayoutResult {
  return {
    id: p.id,
    status: p.status,
    fixed: p.fixed,
    amount: minor(p.amount),
    debitAmount: optional(p.debitAmount),
    receiveAmount: optional(p.receiveAmount),
    sentAmount: optional(p.sentAmount),
    fee: optional(p.fee),
    failureReason: failureOf(p.failure)
  }
}

export type { WalletInfo }
