import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { outgoingPaymentsOf, settled, startBody, startHarness, visit, type Harness } from './harness.ts'

describe('a quote that expires before consent', () => {
  let h: Harness
  beforeAll(async () => {
    h = await startHarness()
  })
  afterAll(() => h?.close())

  test('is re-quoted within what the buyer approved, and the payment completes', async () => {
    const buyer = await h.buyer()
    const start = await h.api('POST', '/offers/late/quotes/start', startBody(buyer.url))
    expect(start.status).toBe(201)
    const finishUrl = await h.sandbox.approveConsent(start.json.redirectUrl)
    // The buyer takes longer than the quote lives: both sides' clocks move past its expiry.
    const late = Date.parse(start.json.quote.expiresAt) - Date.now() + 1000
    h.sandbox.clock.advance(late)
    h.clock.advance(late)
    await visit(finishUrl)
    const done = await settled(h, start.json.pendingId)
    expect(done.status, JSON.stringify(done.payment.failure)).toBe('completed')
    expect(done.payment.quoteId).not.toBe(start.json.quoteId)
    expect(await outgoingPaymentsOf(h, buyer.name)).toHaveLength(1)
  })
})
