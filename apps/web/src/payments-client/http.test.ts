import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { mockPaymentView, mockPayoutGrantView, mockPayoutView } from '@voces/payments-contract/testing'
import { createHttpPaymentsClient } from './http.ts'

/** A stub payments service: each test sets the answer for a path. */
const answers = new Map<string, { status: number; body: unknown }>()
const seen: { method: string; url: string; auth: string | undefined; body: string }[] = []
let server: Server
let base: string

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = ''
    req.on('data', (c: Buffer) => (body += c.toString()))
    req.on('end', () => {
      seen.push({ method: req.method!, url: req.url!, auth: req.headers.authorization, body })
      const path = req.url!.split('?')[0]!
      const a = answers.get(path)
      if (!a) {
        res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ success: false, error: { code: 'not_found', message: 'No such route' } }))
        return
      }
      res.writeHead(a.status, { 'content-type': 'application/json' }).end(JSON.stringify(a.body))
    })
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})
afterAll(() => new Promise<void>((r) => server.close(() => r())))

const client = () => createHttpPaymentsClient({ baseUrl: base, apiToken: 'tok', sellerId: 'marketplace', timeoutMs: 500 })
const amount = (value: string) => ({ value, assetCode: 'MXN', assetScale: 2, formatted: '' })
const status = (payment: ReturnType<typeof mockPaymentView>) => ({ success: true, pendingId: payment.pendingId, status: payment.status, payment })
const payout = (overrides: Parameters<typeof mockPayoutView>[0]) => ({ success: true, payout: mockPayoutView(overrides) })

describe('HTTP payments client', () => {
  test('starts a quote with the bearer token and reads the quote', async () => {
    answers.set('/offers/job-1/quotes/start', {
      status: 201,
      body: {
        success: true, created: true, redirectUrl: 'http://w/consent', paymentUrl: 'http://w/consent', pendingId: 'p1', status: 'awaiting_consent',
        incomingPaymentId: 'ip', quoteId: 'q', amount: '10.00', assetCode: 'MXN', assetScale: 2,
        quote: { id: 'q', debitAmount: amount('1030'), receiveAmount: amount('1000'), fee: amount('30'), expiresAt: '2030-01-01T00:00:00.000Z' },
        returnUrl: 'http://localhost:8000/x', consentExpiresAt: '2030-01-01T00:00:00.000Z'
      }
    })
    const r = await client().startQuote({ offerId: 'job-1', buyerWalletAddressUrl: 'http://w/buyer', amount: '10.00', returnUrl: 'http://localhost:8000/x' })
    expect(r).toMatchObject({ ok: true, value: { pendingId: 'p1', quote: { debitAmount: { value: '1030' }, receiveAmount: { value: '1000' } } } })
    const call = seen.at(-1)!
    expect(call.auth).toBe('Bearer tok')
    expect(JSON.parse(call.body)).toEqual({ sellerId: 'marketplace', buyerWalletAddressUrl: 'http://w/buyer', amount: '10.00', returnUrl: 'http://localhost:8000/x' })
  })

  // Every state services/payments/src/payment/model.ts defines, and nothing else.
  test.each([
    ['starting', 'awaiting_consent'],
    ['awaiting_consent', 'awaiting_consent'],
    ['authorized', 'paying'],
    ['sending', 'paying'],
    ['needs_review', 'needs_review'],
    ['completed', 'completed'],
    ['rejected', 'rejected'],
    ['expired', 'expired'],
    ['failed', 'failed']
  ])('payment status %s reads as %s', async (remote, local) => {
    answers.set('/payments/p1/status', { status: 200, body: status(mockPaymentView({ pendingId: 'p1', status: remote as never, receiveAmount: amount('1000') })) })
    const r = await client().getPaymentStatus('p1')
    expect(r).toMatchObject({ ok: true, value: { status: local } })
    // What escrow received is told only once the payment completed.
    expect(r.ok && r.value.receivedAmount?.value).toBe(local === 'completed' ? '1000' : undefined)
  })

  test('a state the service never sends is an error, logged and read as unknown — never as awaiting consent', async () => {
    const errors: unknown[] = []
    const logging = createHttpPaymentsClient({ baseUrl: base, apiToken: 'tok', sellerId: 'marketplace', timeoutMs: 500, logger: { error: (o: object) => errors.push(o) } })
    for (const raw of ['pending', 'processing', 'paid', 'awaiting_interaction', 'COMPLETED', '']) {
      answers.set('/payments/p9/status', { status: 200, body: { success: true, pendingId: 'p9', status: raw, payment: { pendingId: 'p9', status: raw } } })
      const r = await logging.getPaymentStatus('p9')
      expect(r).toMatchObject({ ok: true, value: { status: 'unknown' } })
    }
    expect(errors).toHaveLength(6)
    expect(errors[0]).toMatchObject({ kind: 'payment', id: 'p9', status: 'pending' })
    answers.set('/payouts/o9', { status: 200, body: { success: true, payout: { id: 'o9', status: 'settling' } } })
    expect(await logging.getPayout('o9')).toMatchObject({ ok: true, value: { status: 'unknown' } })
    expect(errors.at(-1)).toMatchObject({ kind: 'payout', id: 'o9', status: 'settling' })
  })

  test('an answer that breaks the contract (a missing field) is an error, logged, never read with defaults', async () => {
    const errors: unknown[] = []
    const logging = createHttpPaymentsClient({ baseUrl: base, apiToken: 'tok', sellerId: 'marketplace', timeoutMs: 500, logger: { error: (o: object) => errors.push(o) } })
    const { fee: _dropped, ...withoutFee } = mockPaymentView({ pendingId: 'p8' })
    answers.set('/payments/p8/status', { status: 200, body: { success: true, pendingId: 'p8', status: 'awaiting_consent', payment: withoutFee } })
    expect(await logging.getPaymentStatus('p8')).toMatchObject({ ok: false, error: 'unreachable' })
    expect(errors.at(-1)).toMatchObject({ path: '/payments/p8/status' })
    answers.set('/payouts/o8', { status: 200, body: payout({ id: 'o8', amount: { value: '12.50' } as never }) })
    expect(await logging.getPayout('o8')).toMatchObject({ ok: false })
  })

  test("the wallet's report, the fee and the payout's figures are read from the views", async () => {
    answers.set('/payments/p2/status', {
      status: 200,
      body: status(mockPaymentView({ pendingId: 'p2', status: 'awaiting_consent', fee: amount('65'), walletResult: 'grant_rejected' }))
    })
    expect(await client().getPaymentStatus('p2')).toMatchObject({ ok: true, value: { status: 'awaiting_consent', walletResult: 'grant_rejected', fee: { value: '65' } } })
    answers.set('/payouts/o1', {
      status: 200,
      body: payout({ id: 'o1', status: 'completed', amount: amount('1500'), receiveAmount: amount('1435'), sentAmount: amount('1435'), fee: amount('65') })
    })
    expect(await client().getPayout('o1')).toMatchObject({
      ok: true,
      value: { id: 'o1', status: 'completed', amount: { value: '1500' }, receiveAmount: { value: '1435' }, sentAmount: { value: '1435' }, fee: { value: '65' } }
    })
    // Across assets the service gives no fee: none is made up.
    answers.set('/payouts/o2', { status: 200, body: payout({ id: 'o2', status: 'sending', amount: amount('1500'), receiveAmount: null, fee: null }) })
    const o2 = await client().getPayout('o2')
    expect(o2.ok && o2.value.fee).toBeUndefined()
    expect(o2.ok && o2.value.receiveAmount).toBeUndefined()
  })

  test('reconcile: POST to the payment and payout reconcile routes, answered with their views', async () => {
    answers.set('/payments/p3/reconcile', { status: 200, body: status(mockPaymentView({ pendingId: 'p3', status: 'completed', receiveAmount: amount('1000') })) })
    expect(await client().reconcilePayment('p3')).toMatchObject({ ok: true, value: { pendingId: 'p3', status: 'completed', receivedAmount: { value: '1000' } } })
    expect(seen.at(-1)).toMatchObject({ method: 'POST', url: '/payments/p3/reconcile', auth: 'Bearer tok' })
    answers.set('/payouts/o3/reconcile', { status: 200, body: payout({ id: 'o3', status: 'needs_review', amount: amount('1000'), failure: { code: 'settlement_deadline', message: 'not arrived' } }) })
    expect(await client().reconcilePayout('o3')).toMatchObject({ ok: true, value: { id: 'o3', status: 'needs_review', failureReason: 'settlement_deadline not arrived' } })
    expect(seen.at(-1)).toMatchObject({ method: 'POST', url: '/payouts/o3/reconcile' })
    expect(await client().reconcilePayout('nope')).toMatchObject({ ok: false, error: 'not_found' })
  })

  test('failures become values: refused, unknown, unreachable, and an escrow not yet connected is retryable', async () => {
    answers.set('/payouts', { status: 409, body: { success: false, error: { code: 'no_payout_grant', message: 'connect first' } } })
    expect(await client().createPayout({ receiverWalletAddressUrl: 'http://w/c', amount: '1.00', fixed: 'receive', reference: 'r' })).toMatchObject({ ok: false, error: 'unreachable' })
    // A reused reference is its own failure (the payout stays in flight rather than failing, see de0d51f).
    answers.set('/payouts', { status: 409, body: { success: false, error: { code: 'reference_conflict', message: 'other amount' } } })
    expect(await client().createPayout({ receiverWalletAddressUrl: 'http://w/c', amount: '1.00', fixed: 'receive', reference: 'r' })).toMatchObject({ ok: false, error: 'conflict' })
    answers.set('/payouts', { status: 400, body: { success: false, error: { code: 'invalid_amount', message: 'too many decimals' } } })
    expect(await client().createPayout({ receiverWalletAddressUrl: 'http://w/c', amount: '1.00', fixed: 'receive', reference: 'r' })).toMatchObject({ ok: false, error: 'rejected' })
    answers.set('/payments/nope/status', { status: 404, body: { success: false, error: { code: 'not_found', message: 'no payment' } } })
    expect(await client().getPaymentStatus('nope')).toMatchObject({ ok: false, error: 'not_found' })
    answers.set('/payments/down/status', { status: 503, body: { success: false, error: { code: 'wallet_unavailable', message: '' } } })
    expect(await client().getPaymentStatus('down')).toMatchObject({ ok: false, error: 'unreachable' })
    const dead = createHttpPaymentsClient({ baseUrl: 'http://127.0.0.1:1', apiToken: 't', sellerId: 's' })
    expect(await dead.getPaymentStatus('x')).toMatchObject({ ok: false, error: 'unreachable' })
  })

  test('the wallet check asks the payments service, which answers for the wallet', async () => {
    answers.set('/wallet-addresses/check', {
      status: 200,
      body: { success: true, walletAddress: { id: 'http://w/alice', assetCode: 'MXN', assetScale: 2, authServer: 'http://w/auth', resourceServer: 'http://w' } }
    })
    expect(await client().checkWallet('http://w/alice')).toEqual({ ok: true, value: { id: 'http://w/alice', assetCode: 'MXN', assetScale: 2 } })
    expect(seen.at(-1)!.url).toBe(`/wallet-addresses/check?url=${encodeURIComponent('http://w/alice')}`)
    answers.set('/wallet-addresses/check', { status: 400, body: { success: false, error: { code: 'invalid_wallet_address', message: 'no' } } })
    expect(await client().checkWallet('http://w/nobody')).toMatchObject({ ok: false, error: 'rejected' })
  })

  test('operators: the payout grant start sends the limit and return URL; the delivery log is read as typed rows', async () => {
    answers.set('/sellers/marketplace/payout-grant', { status: 201, body: { success: true, redirectUrl: 'http://wallet.test/consent/g1', payoutGrant: mockPayoutGrantView() } })
    const grant = await client().startPayoutGrant({ debitLimit: '500.00', returnUrl: 'http://localhost:8000/admin/payouts/grant/return' })
    expect(grant).toEqual({ ok: true, value: { redirectUrl: 'http://wallet.test/consent/g1' } })
    expect(JSON.parse(seen.at(-1)!.body)).toEqual({ debitLimit: '500.00', returnUrl: 'http://localhost:8000/admin/payouts/grant/return' })
    answers.set('/sellers/marketplace/payout-grant', { status: 400, body: { success: false, error: { code: 'return_url_not_allowed', message: 'no' } } })
    expect(await client().startPayoutGrant({ debitLimit: '1.00', returnUrl: 'http://x' })).toMatchObject({ ok: false, error: 'rejected' })
    answers.set('/webhook-deliveries', {
      status: 200,
      body: { success: true, deliveries: [{ id: 7, eventId: 'msg_1', type: 'payment.completed', attempt: 2, statusCode: 204, error: null, durationMs: 12, createdAt: '2026-01-01T00:00:00.000Z', eventDeliveredAt: '2026-01-01T00:00:00.000Z' }] }
    })
    const log = await client().listWebhookDeliveries(50)
    expect(log).toMatchObject({ ok: true, value: [{ id: 7, eventId: 'msg_1', attempt: 2, statusCode: 204, error: null }] })
    expect(seen.at(-1)!.url).toBe('/webhook-deliveries?limit=50')
  })
})
