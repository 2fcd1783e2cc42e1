import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { Webhook } from 'standardwebhooks'
import { outgoingPaymentsOf, RETURN_URL, settled, startBody, startHarness, visit, waitFor, type Harness } from './harness.ts'

describe('payments over real HTTP against the sandbox wallet', () => {
  let h: Harness
  beforeAll(async () => {
    h = await startHarness()
  })
  afterAll(() => h?.close())

  const eventsFor = (pendingId: string) =>
    h.webhooks.received.map((w) => ({ ...w, json: JSON.parse(w.body) })).filter((w) => w.json.data.pendingId === pendingId)

  test('happy path: consent, completed, balances moved, one signed webhook after the money moved', async () => {
    const buyer = await h.buyer('USD', 500_00n)
    const sellerBefore = await h.sandbox.admin.balance(h.seller.name)
    const start = await h.api('POST', '/offers/offer-1/quotes/start', startBody(buyer.url, { amount: '100.00' }))
    expect(start.status, JSON.stringify(start.json)).toBe(201)
    expect(start.json).toMatchObject({ success: true, created: true, amount: '100.00', assetCode: 'USD', assetScale: 2, status: 'awaiting_consent', returnUrl: RETURN_URL })
    for (const field of ['redirectUrl', 'paymentUrl', 'pendingId', 'incomingPaymentId', 'quoteId', 'consentExpiresAt']) expect(start.json[field]).toBeTruthy()
    expect(start.json.paymentUrl).toBe(start.json.redirectUrl)
    const { quote } = start.json
    expect(quote.receiveAmount).toMatchObject({ value: '10000', assetCode: 'USD' })
    expect(BigInt(quote.debitAmount.value)).toBeGreaterThan(10000n)
    expect(quote.fee.value).toBe((BigInt(quote.debitAmount.value) - 10000n).toString())
    expect(Date.parse(quote.expiresAt)).toBeGreaterThan(Date.now())

    // Nothing is announced before the money moves.
    expect(eventsFor(start.json.pendingId)).toHaveLength(0)
    const back = await visit(await h.sandbox.approveConsent(start.json.redirectUrl))
    expect(back.status).toBe(303)
    const location = new URL(back.location!)
    expect(`${location.origin}${location.pathname}`).toBe(RETURN_URL)
    expect(location.searchParams.get('payment')).toBe(start.json.pendingId)
    expect(['sending', 'completed']).toContain(location.searchParams.get('status'))

    const done = await settled(h, start.json.pendingId)
    expect(done.status).toBe('completed')
    // The wallet reports what it sent without its fee (Rafiki's debitAmountMinusFees).
    expect(done.payment.sentAmount.value).toBe((BigInt(quote.debitAmount.value) - BigInt(quote.fee.value)).toString())
    expect(await h.sandbox.admin.balance(h.seller.name)).toBe(sellerBefore + 100_00n)
    expect(await h.sandbox.admin.balance(buyer.name)).toBe(500_00n - BigInt(quote.debitAmount.value))

    const [event] = await waitFor(async () => eventsFor(start.json.pendingId), (e) => e.length > 0)
    const verified = new Webhook(h.config.webhook!.secret).verify(event!.body, event!.headers) as { type: string; data: Record<string, unknown> }
    expect(verified.type).toBe('payment.completed')
    expect(verified.data).toMatchObject({ pendingId: start.json.pendingId, offerId: 'offer-1', status: 'completed' })
    expect(() => new Webhook(`whsec_${Buffer.from('another secret, 24 bytes!').toString('base64')}`).verify(event!.body, event!.headers)).toThrow()

    const history = await h.api('GET', '/offers/offer-1/payments')
    expect(history.json.payments.map((p: { pendingId: string }) => p.pendingId)).toContain(start.json.pendingId)
  })

  test('a cross-currency buyer pays in their own asset; the seller receives the exact amount', async () => {
    const buyer = await h.buyer('MXN', 5_000_00n)
    const sellerBefore = await h.sandbox.admin.balance(h.seller.name)
    const start = await h.api('POST', '/offers/offer-fx/quotes/start', startBody(buyer.url, { amount: '12.34' }))
    expect(start.status, JSON.stringify(start.json)).toBe(201)
    expect(start.json.quote.debitAmount.assetCode).toBe('MXN')
    expect(start.json.quote.fee).toBeNull()
    await visit(await h.sandbox.approveConsent(start.json.redirectUrl))
    expect((await settled(h, start.json.pendingId)).status).toBe('completed')
    expect(await h.sandbox.admin.balance(h.seller.name)).toBe(sellerBefore + 12_34n)
  })

  test('denied consent moves nothing and sends the browser back with what the wallet said; the payment ends at its deadline', async () => {
    const buyer = await h.buyer()
    const start = await h.api('POST', '/offers/offer-2/quotes/start', startBody(buyer.url))
    const back = await visit(await h.sandbox.denyConsent(start.json.redirectUrl))
    expect(back.status).toBe(303)
    const location = new URL(back.location!)
    // An unsigned redirect proves nothing: it is reported, and the payment stays open.
    expect(location.searchParams.get('walletResult')).toBe('grant_rejected')
    expect(location.searchParams.get('status')).toBe('awaiting_consent')
    expect(await h.sandbox.admin.balance(buyer.name)).toBe(1_000_00n)
    expect(eventsFor(start.json.pendingId)).toHaveLength(0)
    h.clock.advance(h.config.consentTimeoutMs + 1000)
    const ended = await settled(h, start.json.pendingId)
    expect(ended.status).toBe('expired')
    expect(ended.payment.failure.message).toContain('grant_rejected')
    const events = await waitFor(async () => eventsFor(start.json.pendingId), (e) => e.length > 0)
    expect(events[0]!.json.type).toBe('payment.expired')
  })

  test('forged, missing and replayed hashes change nothing', async () => {
    const buyer = await h.buyer()
    const start = await h.api('POST', '/offers/offer-3/quotes/start', startBody(buyer.url))
    const finishUrl = new URL(await h.sandbox.approveConsent(start.json.redirectUrl))
    const forged = new URL(finishUrl)
    forged.searchParams.set('hash', Buffer.alloc(32, 7).toString('base64'))
    const missing = new URL(finishUrl)
    missing.searchParams.delete('hash')
    const otherRef = new URL(finishUrl)
    otherRef.searchParams.set('interact_ref', 'not-the-real-ref')
    for (const url of [forged, missing, otherRef]) {
      const back = await visit(url.toString())
      expect(back.status).toBe(303)
      expect(new URL(back.location!).searchParams.get('error')).toBe('invalid_callback')
      expect((await h.api('GET', `/payments/${start.json.pendingId}/status`)).json.status).toBe('awaiting_consent')
    }
    // Unpadded base64 of the right digest is the same hash.
    const unpadded = new URL(finishUrl)
    unpadded.searchParams.set('hash', finishUrl.searchParams.get('hash')!.replace(/=+$/, ''))
    expect(new URL((await visit(unpadded.toString())).location!).searchParams.get('error')).toBeNull()
    expect((await settled(h, start.json.pendingId)).status).toBe('completed')
    const balance = await h.sandbox.admin.balance(buyer.name)
    // A replay after completion changes nothing either.
    const replay = await visit(finishUrl.toString())
    expect(new URL(replay.location!).searchParams.get('status')).toBe('completed')
    expect(await h.sandbox.admin.balance(buyer.name)).toBe(balance)
    expect(await outgoingPaymentsOf(h, buyer.name)).toHaveLength(1)
  })

  test('a forged "declined" callback does not end a payment the buyer has not declined', async () => {
    const buyer = await h.buyer()
    const start = await h.api('POST', '/offers/offer-forged-reject/quotes/start', startBody(buyer.url))
    const forged = await visit(`${h.baseUrl}/payments/finish?pendingId=${start.json.pendingId}&result=grant_rejected`)
    expect(forged.status).toBe(303)
    expect((await h.api('GET', `/payments/${start.json.pendingId}/status`)).json.status).toBe('awaiting_consent')
    // The buyer can still approve and pay.
    await visit(await h.sandbox.approveConsent(start.json.redirectUrl))
    expect((await settled(h, start.json.pendingId)).status).toBe('completed')
  })

  test('a finish link for an unknown payment shows a page, not JSON', async () => {
    const page = await visit(`${h.baseUrl}/payments/finish?pendingId=nope&hash=x&interact_ref=y`)
    expect(page.status).toBe(404)
    expect(page.body).toContain('<!doctype html>')
  })

  test('concurrent double start returns the same pending payment', async () => {
    const buyer = await h.buyer()
    const results = await Promise.all(Array.from({ length: 4 }, () => h.api('POST', '/offers/offer-4/quotes/start', startBody(buyer.url))))
    const ids = new Set(results.map((r) => r.json.pendingId))
    expect(ids.size, JSON.stringify(results.map((r) => r.json))).toBe(1)
    expect(results.filter((r) => r.status === 201)).toHaveLength(1)
    expect(results.every((r) => r.json.redirectUrl === results[0]!.json.redirectUrl)).toBe(true)
    // A different amount is a different payment.
    const other = await h.api('POST', '/offers/offer-4/quotes/start', startBody(buyer.url, { amount: '11.00' }))
    expect(other.json.pendingId).not.toBe(results[0]!.json.pendingId)
  })

  test('concurrent finish callbacks make exactly one outgoing payment', async () => {
    const buyer = await h.buyer()
    const start = await h.api('POST', '/offers/offer-5/quotes/start', startBody(buyer.url))
    const finishUrl = await h.sandbox.approveConsent(start.json.redirectUrl)
    const visits = await Promise.all(Array.from({ length: 6 }, () => visit(finishUrl)))
    expect(visits.every((v) => v.status === 303)).toBe(true)
    expect((await settled(h, start.json.pendingId)).status).toBe('completed')
    expect(await outgoingPaymentsOf(h, buyer.name)).toHaveLength(1)
    expect(await h.sandbox.admin.balance(buyer.name)).toBe(1_000_00n - BigInt(start.json.quote.debitAmount.value))
  })

  test('insufficient funds: the payment fails after creation and the failure is announced', async () => {
    const buyer = await h.buyer('USD', 1_00n)
    const start = await h.api('POST', '/offers/offer-6/quotes/start', startBody(buyer.url))
    await visit(await h.sandbox.approveConsent(start.json.redirectUrl))
    const done = await settled(h, start.json.pendingId)
    expect(done.status).toBe('failed')
    expect(done.payment.failure.code).toBe('payment_failed')
    const events = await waitFor(async () => eventsFor(start.json.pendingId), (e) => e.length > 0)
    expect(events[0]!.json.type).toBe('payment.failed')
    expect(await h.sandbox.admin.balance(buyer.name)).toBe(1_00n)
  })

  test.each([
    ['12.345', /more than 2 decimals/],
    ['0', /more than zero/],
    ['-5', /not a decimal/],
    ['1e3', /not a decimal/],
    ['99999999999999999999999', /too large/]
  ])('amount %s is refused with a clear 400', async (amount, message) => {
    const buyer = await h.buyer('USD', 0n)
    const r = await h.api('POST', '/offers/offer-7/quotes/start', startBody(buyer.url, { amount }))
    expect(r.status).toBe(400)
    expect(r.json).toMatchObject({ success: false, error: { code: 'invalid_amount' } })
    expect(r.json.error.message).toMatch(message)
  })

  test('bad input is refused before any wallet call', async () => {
    const buyer = await h.buyer('USD', 0n)
    const notAllowed = await h.api('POST', '/offers/o/quotes/start', startBody(buyer.url, { returnUrl: 'https://evil.example/steal' }))
    expect(notAllowed.status).toBe(400)
    expect(notAllowed.json.error.code).toBe('return_url_not_allowed')
    const unknownSeller = await h.api('POST', '/offers/o/quotes/start', startBody(buyer.url, { sellerId: 'nobody' }))
    expect(unknownSeller.status).toBe(404)
    expect(unknownSeller.json.error.code).toBe('unknown_seller')
    // A URL that answers, but not with a wallet address document.
    const noWallet = await h.api('POST', '/offers/o/quotes/start', startBody(`${h.baseUrl}/health`))
    expect(noWallet.status).toBe(400)
    expect(noWallet.json.error.code).toBe('invalid_wallet_address')
    const missing = await h.api('POST', '/offers/o/quotes/start', { sellerId: 'marketplace' })
    expect(missing.status).toBe(400)
    expect(missing.json.error.code).toBe('invalid_request')
    const unknown = await h.api('GET', '/payments/no-such-payment/status')
    expect(unknown.status).toBe(404)
    expect(unknown.json.error.code).toBe('unknown_payment')
  })
})
