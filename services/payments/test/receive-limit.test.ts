import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest'
import { eq } from 'drizzle-orm'
import { consents } from '../src/consent/model.ts'
import { payments } from '../src/payment/model.ts'
import { outgoingPaymentsOf, settled, startBody, startHarness, visit, waitFor, type Harness } from './harness.ts'

/**
 * `paymentGrantLimit: 'receive'`: the buyer's grant limits what arrives at the seller and is asked beside
 * the quote (two wallet round trips before the redirect instead of three). The debit with its fee is what
 * the quote says; the wallet no longer caps it, so this service does.
 */
describe('a payment whose grant limits what arrives', () => {
  let h: Harness
  beforeAll(async () => {
    h = await startHarness({ paymentGrantLimit: 'receive' })
  })
  afterEach(() => h.sandbox.admin.setFaults({ latencyMs: 0, errorRate: 0, dropRate: 0, paths: [] }))
  afterAll(() => h?.close())

  test('the buyer approves what the seller receives, and pays the quote with its fee, once', async () => {
    const buyer = await h.buyer('USD', 500_00n)
    const escrowBefore = await h.sandbox.admin.balance(h.seller.name)
    const start = await h.api('POST', '/offers/rl-pay/quotes/start', startBody(buyer.url, { amount: '20.00' }))
    expect(start.status, JSON.stringify(start.json)).toBe(201)
    const debit = BigInt(start.json.quote.debitAmount.value)
    const fee = BigInt(start.json.quote.fee.value)
    expect(fee).toBeGreaterThan(0n)
    expect(debit).toBe(20_00n + fee)
    // The wallet's consent page states the limit as what is received, not as a debit.
    const page = await (await fetch(start.json.redirectUrl)).text()
    expect(page).toMatch(/20\.00[^<]*\(received\)/)
    await visit(await h.sandbox.approveConsent(start.json.redirectUrl))
    const done = await settled(h, start.json.pendingId)
    expect(done.status, JSON.stringify(done.payment?.failure)).toBe('completed')
    expect(done.payment.receivedAmount.value).toBe('2000')
    expect(await h.sandbox.admin.balance(h.seller.name)).toBe(escrowBefore + 20_00n)
    expect(await h.sandbox.admin.balance(buyer.name)).toBe(500_00n - debit)
    expect(await outgoingPaymentsOf(h, buyer.name)).toHaveLength(1)
  })

  test('a re-quote dearer than the quote the buyer was shown is refused, and nothing is paid', async () => {
    const buyer = await h.buyer('USD', 500_00n)
    const start = await h.api('POST', '/offers/rl-dear/quotes/start', startBody(buyer.url))
    expect(start.status).toBe(201)
    const finishUrl = await h.sandbox.approveConsent(start.json.redirectUrl)
    // The wallet raises its fee while the buyer takes longer than the quote lives.
    const config = h.sandbox.sandbox.deps.config
    const feeFixed = config.feeFixed
    config.feeFixed = feeFixed + 50
    try {
      const late = Date.parse(start.json.quote.expiresAt) - Date.now() + 1000
      h.sandbox.clock.advance(late)
      h.clock.advance(late)
      await visit(finishUrl)
      const done = await settled(h, start.json.pendingId)
      expect(done.status).toBe('failed')
      expect(done.failure?.code ?? done.payment?.failure?.code).toBe('quote_expired')
    } finally {
      config.feeFixed = feeFixed
    }
    expect(await h.sandbox.admin.balance(buyer.name)).toBe(500_00n)
    expect(await outgoingPaymentsOf(h, buyer.name)).toHaveLength(0)
  })

  test('when the quote fails, the grant asked beside it is closed and cancelled at the wallet', async () => {
    const buyer = await h.buyer()
    // Warm the non-interactive tokens, so that the fault falls on the quote itself.
    expect((await h.api('POST', '/offers/rl-warm/quotes/start', startBody(buyer.url, { amount: '1.00' }))).status).toBe(201)
    await h.sandbox.admin.setFaults({ errorRate: 1, paths: ['/quotes'] })
    const failed = await h.api('POST', '/offers/rl-fail/quotes/start', startBody(buyer.url))
    expect(failed.status).toBe(503)
    expect(failed.json.error.step).toBe('quote')
    const [payment] = await h.database.db.select().from(payments).where(eq(payments.offerId, 'rl-fail'))
    expect(payment?.state).toBe('failed')
    const [consent] = await h.database.db.select().from(consents).where(eq(consents.id, payment!.id))
    expect(consent?.state).toBe('closed')
    // Nobody can approve it any more: the wallet's page sends the browser back instead of asking.
    const answer = await fetch(consent!.redirectUrl, { redirect: 'manual' })
    expect(answer.status).toBe(302)
    expect(answer.headers.get('location')).toContain('result=invalid_interaction')
  })

  test('when the grant fails beside a quote that worked, the start fails naming the grant', async () => {
    const buyer = await h.buyer()
    expect((await h.api('POST', '/offers/rl-warm2/quotes/start', startBody(buyer.url, { amount: '1.00' }))).status).toBe(201)
    await h.sandbox.admin.setFaults({ errorRate: 1, paths: ['/auth'] })
    const failed = await h.api('POST', '/offers/rl-nogrant/quotes/start', startBody(buyer.url))
    expect(failed.status).toBe(503)
    expect(failed.json.error.step).toBe('outgoing_payment_grant')
    const [payment] = await h.database.db.select().from(payments).where(eq(payments.offerId, 'rl-nogrant'))
    expect(payment?.state).toBe('failed')
    expect(await h.database.db.select().from(consents).where(eq(consents.id, payment!.id))).toHaveLength(0)
  })

  test('a start interrupted after its grant was asked is failed by the worker, and the grant cancelled', async () => {
    const buyer = await h.buyer()
    const start = await h.api('POST', '/offers/rl-crash/quotes/start', startBody(buyer.url))
    expect(start.status).toBe(201)
    // As if the process had stopped between the grant request and recording it: still `starting`, overdue.
    await h.database.db
      .update(payments)
      .set({ state: 'starting', consentId: null, nextAttemptAt: new Date(h.clock.now().getTime() - 1000) })
      .where(eq(payments.id, start.json.pendingId))
    const done = await settled(h, start.json.pendingId)
    expect(done.status).toBe('failed')
    // The worker closes the consent just after it records the failure.
    const [consent] = await waitFor(
      () => h.database.db.select().from(consents).where(eq(consents.id, start.json.pendingId)),
      (rows) => rows[0]?.state === 'closed'
    )
    expect(consent?.state).toBe('closed')
    const answer = await fetch(start.json.redirectUrl, { redirect: 'manual' })
    expect(answer.status).toBe(302)
    expect(answer.headers.get('location')).toContain('result=invalid_interaction')
  })
})
