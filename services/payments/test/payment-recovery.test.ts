import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest'
import { eq, sql } from 'drizzle-orm'
import { queryRows } from '@voces/platform'
import { payments } from '../src/payment/model.ts'
import { consents } from '../src/consent/model.ts'
import { outgoingPaymentsOf, settled, startBody, startHarness, visit, waitFor, type Harness } from './harness.ts'

describe('payments survive wallet faults, restarts and several processes', () => {
  let h: Harness
  beforeAll(async () => {
    h = await startHarness()
  })
  afterEach(() => h.sandbox.admin.setFaults({ latencyMs: 0, errorRate: 0, dropRate: 0, paths: [] }))
  afterAll(() => h?.close())
  const attempts = async (id: string) => (await h.database.db.select({ n: payments.attempts }).from(payments).where(eq(payments.id, id)))[0]?.n ?? 0

  test.each([
    ['/incoming-payments', 'incoming_payment'],
    ['/quotes', 'quote'],
    ['/auth', 'outgoing_payment_grant']
  ])('a wallet error on %s during start is a clear 503 naming the step, and a new start works', async (path, step) => {
    const buyer = await h.buyer()
    // Warm the non-interactive tokens so that the fault hits the step itself.
    if (path === '/auth') {
      const warm = await h.api('POST', '/offers/warm/quotes/start', startBody(buyer.url, { amount: '1.00' }))
      expect(warm.status).toBe(201)
    }
    await h.sandbox.admin.setFaults({ errorRate: 1, paths: [path] })
    const failed = await h.api('POST', `/offers/fault${step}/quotes/start`, startBody(buyer.url))
    expect(failed.status, JSON.stringify(failed.json)).toBe(503)
    expect(failed.json).toMatchObject({ success: false, error: { code: 'wallet_unavailable', step } })
    expect(failed.json.error.message).not.toMatch(/at .*\.ts/)
    // The grant is asked only once the quote is known (the default): a failed quote leaves none to approve.
    const [row] = await h.database.db.select().from(payments).where(eq(payments.offerId, `fault${step}`))
    expect(row?.state).toBe('failed')
    if (step !== 'outgoing_payment_grant') expect(await h.database.db.select().from(consents).where(eq(consents.id, row!.id))).toHaveLength(0)
    await h.sandbox.admin.setFaults({ errorRate: 0 })
    const again = await h.api('POST', `/offers/fault${step}/quotes/start`, startBody(buyer.url))
    expect(again.status).toBe(201)
    expect(again.json.pendingId).not.toBe(failed.json.pendingId)
  })

  test('a wallet that does not answer in time is reported as a timeout of that step', async () => {
    const buyer = await h.buyer()
    await h.api('POST', '/offers/warm2/quotes/start', startBody(buyer.url, { amount: '1.00' }))
    await h.sandbox.admin.setFaults({ latencyMs: h.config.walletRequestTimeoutMs + 500, paths: ['/quotes'] })
    const slow = await h.api('POST', '/offers/slow/quotes/start', startBody(buyer.url))
    expect(slow.status).toBe(503)
    expect(slow.json.error.step).toBe('quote')
    expect(slow.json.error.message).toMatch(/timed out/i)
  })

  test('the grant continuation failing is retried in the background', async () => {
    const buyer = await h.buyer()
    const start = await h.api('POST', '/offers/cont/quotes/start', startBody(buyer.url))
    const finishUrl = await h.sandbox.approveConsent(start.json.redirectUrl)
    await h.sandbox.admin.setFaults({ errorRate: 1, paths: ['/auth/continue'] })
    const back = await visit(finishUrl)
    expect(back.status).toBe(303)
    expect(new URL(back.location!).searchParams.get('status')).toBe('awaiting_consent')
    await h.sandbox.admin.setFaults({ errorRate: 0 })
    expect((await settled(h, start.json.pendingId)).status).toBe('completed')
    expect(await outgoingPaymentsOf(h, buyer.name)).toHaveLength(1)
  })

  test('a lost answer to the outgoing payment creation does not pay twice', async () => {
    const buyer = await h.buyer()
    const start = await h.api('POST', '/offers/lost/quotes/start', startBody(buyer.url))
    const finishUrl = await h.sandbox.approveConsent(start.json.redirectUrl)
    // The wallet creates the payment, but the answer never arrives.
    await h.sandbox.admin.setFaults({ dropRate: 1, paths: ['/outgoing-payments'] })
    const back = await visit(finishUrl)
    expect(new URL(back.location!).searchParams.get('status')).toBe('authorized')
    // The worker retries while answers are still lost, and looks for the payment it may have made.
    await waitFor(() => attempts(start.json.pendingId), (n) => n >= 1)
    await h.sandbox.admin.setFaults({ dropRate: 0 })
    const done = await settled(h, start.json.pendingId)
    expect(done.status, JSON.stringify(done.payment.failure)).toBe('completed')
    expect(await outgoingPaymentsOf(h, buyer.name)).toHaveLength(1)
    expect(await h.sandbox.admin.balance(buyer.name)).toBe(1_000_00n - BigInt(start.json.quote.debitAmount.value))
  })

  test('status checks that fail are retried until the payment completes', async () => {
    const buyer = await h.buyer()
    const start = await h.api('POST', '/offers/status/quotes/start', startBody(buyer.url))
    const finishUrl = await h.sandbox.approveConsent(start.json.redirectUrl)
    await visit(finishUrl)
    // Neither the outgoing payment nor the escrow's incoming payment can be read for a while.
    await h.sandbox.admin.setFaults({ errorRate: 1, paths: ['/outgoing-payments/', '/incoming-payments/'] })
    await waitFor(() => attempts(start.json.pendingId), (n) => n >= 2)
    expect((await h.api('GET', `/payments/${start.json.pendingId}/status`)).json.status).toBe('sending')
    await h.sandbox.admin.setFaults({ errorRate: 0 })
    expect((await settled(h, start.json.pendingId)).status).toBe('completed')
  })

  test('the service stopped between redirect and finish completes the payment after a restart', async () => {
    const buyer = await h.buyer()
    const first = await h.startService()
    const start = await fetch(`${first.baseUrl}/offers/restart/quotes/start`, {
      method: 'POST',
      headers: { authorization: `Bearer ${h.token}`, 'content-type': 'application/json' },
      body: JSON.stringify(startBody(buyer.url))
    }).then((r) => r.json() as Promise<Record<string, string>>)
    await first.service.stop()
    const finishUrl = new URL(await h.sandbox.approveConsent(start.redirectUrl!))
    // The browser comes back to the same public URL, now served by a new process.
    const second = await h.startService()
    const back = await visit(`${second.baseUrl}${finishUrl.pathname}${finishUrl.search}`)
    expect(back.status).toBe(303)
    expect((await settled(h, start.pendingId!)).status).toBe('completed')
    await second.service.stop()
  })

  test('two processes on one database: each payment is sent once and announced once', async () => {
    const other = await h.startService()
    const buyers = await Promise.all([h.buyer(), h.buyer(), h.buyer(), h.buyer()])
    const starts = await Promise.all(buyers.map((b, i) => h.api('POST', `/offers/multi-${i}/quotes/start`, startBody(b.url))))
    const finishUrls = await Promise.all(starts.map((s) => h.sandbox.approveConsent(s.json.redirectUrl)))
    // Each callback arrives at both processes at once.
    await Promise.all(
      finishUrls.flatMap((url) => {
        const u = new URL(url)
        return [visit(url), visit(`${other.baseUrl}${u.pathname}${u.search}`)]
      })
    )
    for (const [i, s] of starts.entries()) {
      expect((await settled(h, s.json.pendingId)).status).toBe('completed')
      expect(await outgoingPaymentsOf(h, buyers[i]!.name)).toHaveLength(1)
    }
    const completedEvents = await waitFor(
      async () => h.webhooks.received.map((w) => JSON.parse(w.body)).filter((e) => starts.some((s) => s.json.pendingId === e.data.pendingId)),
      (events) => events.length >= starts.length
    )
    expect(completedEvents).toHaveLength(starts.length)
    // Exactly one completion each in the outbox: nothing delivered late can double it.
    const outbox = await queryRows<{ n: string }>(
      h.database.db,
      sql`select count(*) as n from payments.webhook_events where type = 'payment.completed' and payload->>'pendingId' in (${sql.join(starts.map((s) => sql`${s.json.pendingId}`), sql`, `)})`
    )
    expect(Number(outbox[0]!.n)).toBe(starts.length)
    await other.service.stop()
  })

  test('a process told to stop finishes the start in flight, then takes no new request (graceful shutdown)', async () => {
    const other = await h.startService()
    const buyer = await h.buyer()
    await h.api('POST', '/offers/graceful-warm/quotes/start', startBody(buyer.url, { amount: '1.00' }))
    // The quote call is slow, so the stop arrives while the start is between its wallet calls.
    await h.sandbox.admin.setFaults({ latencyMs: 400, paths: ['/quotes'] })
    const inFlight = fetch(`${other.baseUrl}/offers/graceful/quotes/start`, {
      method: 'POST',
      headers: { authorization: `Bearer ${h.token}`, 'content-type': 'application/json' },
      body: JSON.stringify(startBody(buyer.url))
    })
    await waitFor(
      () => h.database.db.select().from(payments).where(eq(payments.offerId, 'graceful')),
      (rows) => rows.length === 1
    )
    let stopped = false
    const stopping = other.service.stop().then(() => (stopped = true))
    const answer = await inFlight
    expect(answer.status).toBe(201)
    const started = (await answer.json()) as { pendingId: string; status: string }
    expect(started.status).toBe('awaiting_consent')
    await stopping
    expect(stopped).toBe(true)
    // Nothing was left half-started for the two-minute timeout to clean up, and the port is closed.
    const [row] = await h.database.db.select().from(payments).where(eq(payments.id, started.pendingId))
    expect(row!.state).toBe('awaiting_consent')
    await expect(fetch(`${other.baseUrl}/health`)).rejects.toThrow()
  })

  test('consent that never arrives ends as expired and is announced', async () => {
    const quick = await h.startService({ consentTimeoutMs: 300 })
    const buyer = await h.buyer()
    const start = await fetch(`${quick.baseUrl}/offers/expire/quotes/start`, {
      method: 'POST',
      headers: { authorization: `Bearer ${h.token}`, 'content-type': 'application/json' },
      body: JSON.stringify(startBody(buyer.url))
    }).then((r) => r.json() as Promise<Record<string, string>>)
    const done = await settled(h, start.pendingId!)
    expect(done.status).toBe('expired')
    const events = await waitFor(async () => h.webhooks.received.map((w) => JSON.parse(w.body)).filter((e) => e.data.pendingId === start.pendingId), (e) => e.length > 0)
    expect(events[0].type).toBe('payment.expired')
    // Approving afterwards is refused by the wallet (grant cancelled) or changes nothing here.
    await h.sandbox.approveConsent(start.redirectUrl!).then(visit).catch(() => undefined)
    expect((await h.api('GET', `/payments/${start.pendingId}/status`)).json.status).toBe('expired')
    await quick.service.stop()
  })

  test('failed webhook deliveries are retried with backoff and logged', async () => {
    h.webhooks.failTimes(2)
    const buyer = await h.buyer()
    const start = await h.api('POST', '/offers/hook-retry/quotes/start', startBody(buyer.url))
    await visit(await h.sandbox.denyConsent(start.json.redirectUrl))
    // Starting again after the decline ends the declined payment (rejected), which is announced.
    await h.api('POST', '/offers/hook-retry/quotes/start', startBody(buyer.url))
    const events = await waitFor(async () => h.webhooks.received.filter((w) => JSON.parse(w.body).data.pendingId === start.json.pendingId), (e) => e.length > 0)
    expect(events).toHaveLength(1)
    const { queryRows } = await import('@voces/platform')
    const { sql } = await import('drizzle-orm')
    // The delivery that succeeded is logged once its answer is read, a moment after the receiver has it.
    const log = await waitFor(
      () =>
        queryRows<{ event_id: string; attempt: number; status_code: number | null }>(
          h.database.db,
          sql`select d.event_id, d.attempt, d.status_code from payments.webhook_deliveries d join payments.webhook_events e on e.id = d.event_id
              where e.payload->>'pendingId' = ${start.json.pendingId} order by d.attempt`
        ),
      (rows) => rows.length >= 3
    )
    expect(log.map((l) => Number(l.status_code))).toEqual([500, 500, 204])
    // Operators read the same log through the API, newest attempt first.
    const listed = await h.api('GET', '/webhook-deliveries?limit=500')
    expect(listed.status).toBe(200)
    const mine = (listed.json.deliveries as Array<{ eventId: string; attempt: number; statusCode: number | null; type: string; eventDeliveredAt: string | null }>).filter(
      (d) => d.eventId === log[0]!.event_id
    )
    expect(mine.every((d) => d.type === 'payment.rejected')).toBe(true)
    expect(mine.map((d) => [d.attempt, d.statusCode])).toEqual([[3, 204], [2, 500], [1, 500]])
    expect(mine.every((d) => d.eventDeliveredAt !== null)).toBe(true)
    expect((await h.api('GET', '/webhook-deliveries?limit=0')).status).toBe(400)
  })
})
