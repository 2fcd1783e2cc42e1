import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { eq } from 'drizzle-orm'
import { payments } from '../src/payment/model.ts'
import { RETURN_URL, settled, startBody, startHarness, visit, waitFor, type Harness } from './harness.ts'

/**
 * The six outcomes that went wrong against Rafiki (issue "Payments that agree with real wallets"),
 * each against the sandbox in its default, Rafiki-like mode: a sending fee, receivers credited only
 * when their incoming payment completes or expires, continuations that cannot tell "declined" from
 * "not yet", `too_fast` within `wait`, and interactions that expire with Rafiki's redirect.
 */
describe('payments that agree with real wallets', () => {
  let h: Harness
  beforeAll(async () => {
    h = await startHarness()
    await h.sandbox.admin.deposit(h.seller.name, 1_000_00n)
  })
  afterAll(() => h?.close())

  const status = async (id: string) => (await h.api('GET', `/payments/${id}/status`)).json
  const payoutDone = async (id: string) =>
    (await waitFor(() => h.api('GET', `/payouts/${id}`), (r) => ['completed', 'failed'].includes(r.json.payout?.status))).json.payout
  const walletOf = async (name: string) => {
    const response = await fetch(`${h.sandbox.baseUrl}/admin/wallet-addresses/${name}`, { headers: { authorization: `Bearer ${h.sandbox.adminToken}` } })
    return (await response.json()) as { balance: string }
  }

  test('1. with a sending fee, the payment completes from the money that arrived; sentAmount excludes the fee', async () => {
    const buyer = await h.buyer('USD', 500_00n)
    const escrowBefore = await h.sandbox.admin.balance(h.seller.name)
    const start = await h.api('POST', '/offers/rw-fee/quotes/start', startBody(buyer.url, { amount: '20.00' }))
    expect(start.status, JSON.stringify(start.json)).toBe(201)
    const debit = BigInt(start.json.quote.debitAmount.value)
    const fee = BigInt(start.json.quote.fee.value)
    // Rafiki's fee: a fixed part plus basis points, on top of what is sent.
    expect(fee).toBeGreaterThan(20n)
    expect(debit).toBe(20_00n + fee)
    await visit(await h.sandbox.approveConsent(start.json.redirectUrl))
    const done = await settled(h, start.json.pendingId)
    expect(done.status).toBe('completed')
    // The wallet reports what it sent without its fee, as Rafiki does; nobody waited for it to reach the debit.
    expect(BigInt(done.payment.sentAmount.value)).toBe(debit - fee)
    expect(done.payment.receivedAmount.value).toBe('2000')
    expect(done.payment.fee.value).toBe(fee.toString())
    expect(await h.sandbox.admin.balance(h.seller.name)).toBe(escrowBefore + 20_00n)
    expect(await h.sandbox.admin.balance(buyer.name)).toBe(500_00n - debit)
  })

  test('2. a typed "declined" link ends nothing: the buyer approves afterwards and pays', async () => {
    const buyer = await h.buyer()
    const start = await h.api('POST', '/offers/rw-typed/quotes/start', startBody(buyer.url))
    const typed = await visit(`${h.baseUrl}/payments/finish?pendingId=${start.json.pendingId}&result=grant_rejected`)
    expect(typed.status).toBe(303)
    const back = new URL(typed.location!)
    expect(back.searchParams.get('status')).toBe('awaiting_consent')
    expect(back.searchParams.get('walletResult')).toBe('grant_rejected')
    const seen = await status(start.json.pendingId)
    expect(seen.status).toBe('awaiting_consent')
    expect(seen.payment.walletResult).toBe('grant_rejected')
    // The real funder's consent link still works.
    const approved = await visit(await h.sandbox.approveConsent(start.json.redirectUrl))
    expect(new URL(approved.location!).searchParams.get('error')).toBeNull()
    expect((await settled(h, start.json.pendingId)).status).toBe('completed')
  })

  test('2b. a typed "declined" link ends no escrow connection: its owner approving afterwards connects it', async () => {
    const start = await h.api('POST', '/sellers/marketplace/payout-grant', { debitLimit: '500.00', returnUrl: RETURN_URL })
    expect(start.status, JSON.stringify(start.json)).toBe(201)
    const grantId = start.json.payoutGrant.id
    const typed = await visit(`${h.baseUrl}/payments/finish?payoutGrantId=${grantId}&result=grant_rejected`)
    expect(new URL(typed.location!).searchParams.get('status')).toBe('awaiting_consent')
    const approved = await visit(await h.sandbox.approveConsent(start.json.redirectUrl))
    expect(new URL(approved.location!).searchParams.get('status')).toBe('active')
  })

  test('3. a quick decline is not lost: the page says what the wallet reported, and starting again supersedes it', async () => {
    const buyer = await h.buyer()
    const start = await h.api('POST', '/offers/rw-quick/quotes/start', startBody(buyer.url))
    const declined = await visit(await h.sandbox.denyConsent(start.json.redirectUrl))
    const back = new URL(declined.location!)
    expect(back.searchParams.get('walletResult')).toBe('grant_rejected')
    expect(back.searchParams.get('status')).toBe('awaiting_consent')
    // Try again: a new start for the same thing is a new payment; the declined one ends, announced.
    const again = await h.api('POST', '/offers/rw-quick/quotes/start', startBody(buyer.url))
    expect(again.status, JSON.stringify(again.json)).toBe(201)
    expect(again.json.pendingId).not.toBe(start.json.pendingId)
    const old = await status(start.json.pendingId)
    expect(old.status).toBe('rejected')
    expect(old.payment.failure.code).toBe('superseded')
    const events = await waitFor(
      async () => h.webhooks.received.map((w) => JSON.parse(w.body)).filter((e) => e.data.pendingId === start.json.pendingId),
      (e) => e.length > 0
    )
    expect(events.map((e) => e.type)).toEqual(['payment.rejected'])
    // The old consent page can no longer pay; the new one can.
    await visit(await h.sandbox.approveConsent(again.json.redirectUrl))
    expect((await settled(h, again.json.pendingId)).status).toBe('completed')
    expect(await h.sandbox.admin.balance(buyer.name)).toBe(1_000_00n - BigInt(again.json.quote.debitAmount.value))
  })

  test('4. an expired interaction is reported as such, never as a decline, and the payment ends at its own deadline', async () => {
    expect(h.config.consentTimeoutMs).toBeLessThan(h.sandbox.sandbox.deps.config.interactionTtlSeconds * 1000)
    const buyer = await h.buyer()
    const start = await h.api('POST', '/offers/rw-expired/quotes/start', startBody(buyer.url))
    h.sandbox.clock.advance(h.sandbox.sandbox.deps.config.interactionTtlSeconds * 1000 + 1000)
    // The person opens the consent page too late: the wallet sends them back with Rafiki's redirect.
    const page = await fetch(start.json.redirectUrl, { redirect: 'manual' })
    const finish = page.headers.get('location')
    expect(finish, `consent page answered ${page.status}`).toContain('result=invalid_interaction')
    const back = new URL((await visit(new URL(finish!, start.json.redirectUrl).toString())).location!)
    expect(back.searchParams.get('walletResult')).toBe('invalid_interaction')
    expect(back.searchParams.get('status')).toBe('awaiting_consent')
    h.clock.advance(h.config.consentTimeoutMs + 1000)
    const ended = await settled(h, start.json.pendingId)
    expect(ended.status).toBe('expired')
    expect(ended.payment.failure.message).not.toMatch(/declined/i)
    expect(ended.payment.failure.message).toContain('invalid_interaction')
  })

  test('5. a payout credits the creator as soon as it is done; a failed one leaves no open incoming payment', async () => {
    const grant = await h.api('POST', '/sellers/marketplace/payout-grant', { debitLimit: '100.00' })
    await visit(await h.sandbox.approveConsent(grant.json.redirectUrl))
    const creator = await h.buyer('USD', 0n)
    const r = await h.api('POST', '/payouts', { sellerId: 'marketplace', receiverWalletAddressUrl: creator.url, amount: '15.00', fixed: 'send', reference: 'rw-payout' })
    expect(r.status, JSON.stringify(r.json)).toBe(201)
    const done = await payoutDone(r.json.payout.id)
    expect(done.status).toBe('completed')
    const received = BigInt(done.receiveAmount.value)
    expect(received).toBeLessThan(15_00n)
    expect(done.fee.value).toBe((15_00n - received).toString())
    // Credited now, not when the incoming payment expires.
    expect((await walletOf(creator.name)).balance).toBe(received.toString())
    const incoming = await h.sandbox.sandbox.deps.incomingPayments.resolveReceiver(done.incomingPaymentId)
    expect(incoming?.payment.completed).toBe(true)

    // Over the grant's limit: refused, and its incoming payment is closed rather than left open for a month.
    const over = await h.api('POST', '/payouts', { sellerId: 'marketplace', receiverWalletAddressUrl: creator.url, amount: '90.00', fixed: 'send', reference: 'rw-payout-over' })
    const failed = await payoutDone(over.json.payout.id)
    expect(failed.status).toBe('failed')
    const left = await h.sandbox.sandbox.deps.incomingPayments.resolveReceiver(failed.incomingPaymentId)
    expect(left?.payment.completed).toBe(true)
  })

  test('deadline: a payment the wallets cannot settle goes to needs_review with its evidence, and is reconciled', async () => {
    const buyer = await h.buyer()
    const start = await h.api('POST', '/offers/rw-review/quotes/start', startBody(buyer.url))
    expect(start.status, JSON.stringify(start.json)).toBe(201)
    // Neither the escrow's incoming payment nor the buyer's outgoing payment can be read.
    await h.sandbox.admin.setFaults({ errorRate: 1, paths: ['/incoming-payments/', '/outgoing-payments/'] })
    try {
      await visit(await h.sandbox.approveConsent(start.json.redirectUrl))
      await waitFor(() => status(start.json.pendingId), (s) => s.status === 'sending')
      h.clock.advance(h.config.settlementDeadlineMs + 1000)
      const review = await waitFor(() => status(start.json.pendingId), (s) => s.status === 'needs_review')
      expect(review.payment.failure.message).toMatch(/incoming payment could not be read/)
      const stillUnknown = await h.api('POST', `/payments/${start.json.pendingId}/reconcile`)
      expect(stillUnknown.json.status).toBe('needs_review')
    } finally {
      await h.sandbox.admin.setFaults({})
    }
    // The wallet answers again: an operator's reconciliation settles it from the money.
    const reconciled = await h.api('POST', `/payments/${start.json.pendingId}/reconcile`)
    expect(reconciled.status).toBe(200)
    expect(reconciled.json.status).toBe('completed')
    const events = await waitFor(
      async () => h.webhooks.received.map((w) => JSON.parse(w.body)).filter((e) => e.data.pendingId === start.json.pendingId),
      (e) => e.length > 1
    )
    expect(events.map((e) => e.type)).toEqual(['payment.needs_review', 'payment.completed'])
  })

  test('reconcile answers 404 for an unknown payment or payout and needs the token', async () => {
    expect((await h.api('POST', '/payments/nope/reconcile')).status).toBe(404)
    expect((await h.api('POST', '/payouts/nope/reconcile')).status).toBe(404)
    expect((await h.api('POST', '/payments/nope/reconcile', undefined, null)).status).toBe(401)
  })

  // Last: it stops the harness's first process.
  test('6. a lost answer to a token rotation does not leave a paid payment sending for ever', async () => {
    const buyer = await h.buyer()
    const start = await h.api('POST', '/offers/rw-rotation/quotes/start', startBody(buyer.url))
    // The service stops right after the outgoing payment is created (the finish request made it).
    const finish = await h.sandbox.approveConsent(start.json.redirectUrl)
    await visit(finish)
    await h.service.stop()
    const [row] = await h.database.db.select().from(payments).where(eq(payments.id, start.json.pendingId))
    expect(row!.state).toBe('sending')
    // A rotation reached the wallet but its answer was lost: the wallet revoked the token we hold.
    const c = await h.sandbox.sandbox.deps.grants.introspect(row!.accessToken!)
    await h.sandbox.sandbox.deps.grants.revoke(c!.token)
    // Another process takes over: it cannot renew the token, and settles from the escrow's incoming payment.
    const second = await h.startService()
    const done = await waitFor(
      async () => (await fetch(`${second.baseUrl}/payments/${start.json.pendingId}/status`, { headers: { authorization: `Bearer ${h.token}` } })).json() as Promise<{ status: string }>,
      (r) => ['completed', 'failed'].includes(r.status)
    )
    expect(done.status).toBe('completed')
  })
})
