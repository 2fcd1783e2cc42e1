/**
 * The web app against the real payments service and sandbox wallet, over HTTP, with the sandbox in its
 * default, Rafiki-like mode (a sending fee on every payment): the payments client, the quote and
 * consent, the webhook, escrow payouts and refunds with balances read from the sandbox; the wallet's
 * reports (declined, approval window closed) with "Try again"; a payment the wallets cannot confirm in
 * time (needs_review) reconciled by an admin's "Check again now".
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { eq } from 'drizzle-orm'
import type { Database } from '@voces/platform'
import { visit, waitFor, type Harness } from '../../../services/payments/test/harness.ts'
import type { WebApp } from '../src/app.ts'
import { Agent, jobFields } from './helpers.ts'
import { FEE_BASIS_POINTS, FEE_FIXED, funderWithJob, sandboxFee, usd, usdRe, startFullStack, type FullStack } from './full-stack.ts'
import { jobs, type Job } from '../src/jobs/model.ts'
import { fundings, type Funding } from '../src/funding/model.ts'
import { webhookDeliveries } from '../src/payments-client/model.ts'
import { payouts } from '../src/payouts/model.ts'
import { setAdmin } from '../src/pages/admin/set-admin.ts'

let h: Harness
let web: WebApp
let database: Database
let base: string
let stack: FullStack

beforeAll(async () => {
  stack = await startFullStack({ connectEscrow: true })
  ;({ h, web, database, base } = stack)
}, 60_000)
afterAll(() => stack?.close())

async function jobByTitle(title: string): Promise<Job> {
  const [row] = await database.db.select().from(jobs).where(eq(jobs.title, title))
  return row!
}

async function fundingsOf(jobId: string): Promise<Funding[]> {
  return database.db.select().from(fundings).where(eq(fundings.jobId, jobId)).orderBy(fundings.createdAt)
}

/** Follows the wallet's redirect through the payments service back to our return URL, then to the job page. */
async function backFromWallet(owner: Agent, finishUrl: string): Promise<{ returnUrl: URL; page: string }> {
  const back = await visit(finishUrl)
  expect(back.location!.startsWith(base), back.location!).toBe(true)
  const returned = await owner.get(back.location!.slice(base.length))
  expect(returned.status).toBe(303)
  return { returnUrl: new URL(back.location!), page: (await owner.get(returned.location!)).html }
}

const DECLINED = 'Su billetera dice que usted lo rechazó. No se pagó nada.'
const WINDOW_CLOSED = 'Se acabó el tiempo para aprobar en su billetera. No se pagó nada.'

describe('against the real payments service', () => {
  test('the sandbox charges its default fee', () => {
    const config = h.sandbox.sandbox.deps.config
    expect([BigInt(config.feeFixed), BigInt(config.feeBasisPoints)]).toEqual([FEE_FIXED, FEE_BASIS_POINTS])
  })

  test('work starts only on money in escrow; a creator receives exactly her pay; the unspent fee reserve is refunded; every figure is the wallets\'', async () => {
    const funderWallet = await h.buyer('USD', 100_00n)
    const creatorWallet = await h.buyer('USD', 0n)
    const escrowBefore = await h.sandbox.admin.balance(h.seller.name)
    const owner = new Agent(base)
    await owner.register('real_funder', 'funder')
    expect((await owner.postMultipart('/profile', { displayName: 'F', walletAddress: 'http://127.0.0.1:1/nowhere', roles: 'funder', preferredLanguage: 'es' })).status).toBe(422)
    const saved = await owner.postMultipart('/profile', { displayName: 'F', walletAddress: funderWallet.url, roles: 'funder', preferredLanguage: 'es' })
    expect(saved.status, saved.html.slice(saved.html.indexOf('<main'), saved.html.indexOf('<main') + 600)).toBe(303)
    await owner.postMultipart('/jobs', jobFields({ title: 'Real money', amount: '10.00', maxResponses: '2', recruitLimit: '1', submitLimit: '1', deliverableTypes: ['text'] }))
    const job = await jobByTitle('Real money')

    // A creator whose wallet holds another asset is told before applying how her pay reaches it.
    const euros = new Agent(base)
    await euros.register('euro_creator', 'creator')
    await euros.postMultipart('/profile', { displayName: 'E', walletAddress: (await h.buyer('EUR', 0n)).url, roles: 'creator', preferredLanguage: 'en' })
    expect((await euros.get(`/jobs/${job.id}`)).html).toMatch(/data-other-asset="EUR"[^]*Your wallet is in EUR; this job pays \$10.00 USD per person. When you are paid, escrow sends \$10.00 USD:/)

    // A creator applies and is selected; with nothing in escrow the work cannot start.
    const creator = new Agent(base)
    await creator.register('real_creator', 'creator')
    await creator.postMultipart('/profile', { displayName: 'C', walletAddress: creatorWallet.url, roles: 'creator', preferredLanguage: 'es' })
    await creator.postMultipart(`/jobs/${job.id}/apply`, { note: 'hola' })
    const appId = /data-application="([^"]+)"/.exec((await owner.get(`/jobs/${job.id}`)).html)![1]!
    await owner.post(`/applications/${appId}/decide`, { state: 'selected' })
    const creatorPage = (await creator.get(`/jobs/${job.id}`)).html
    expect(creatorPage).toContain('data-escrow="unfunded"')
    expect(creatorPage).not.toContain('data-other-asset') // her wallet holds the job's asset
    const refused = await owner.post(`/jobs/${job.id}/start`)
    expect(refused.status).toBe(409)
    expect(refused.html).toContain('data-error="underfunded"')
    expect((await jobByTitle('Real money')).state).toBe('selecting')

    // Quote: escrow is to receive the pay of two people and what paying each will cost at the escrow
    // wallet (its own quote: 0.50 + 1 % of 10.00); the funder's wallet is debited that plus its fee.
    const payoutFee = sandboxFee(10_00n)
    const toEscrow = 2n * (10_00n + payoutFee)
    const fundingFee = sandboxFee(toEscrow)
    const quote = await owner.post(`/jobs/${job.id}/funding`)
    expect(quote.status, (await database.db.select().from(fundings)).map((x) => x.failureReason).join()).toBe(303)
    expect((await jobByTitle('Real money')).payoutFeePerPerson).toBe(payoutFee)
    const page = await owner.get(quote.location!)
    expect(page.html).toContain(usd(toEscrow))
    expect(page.html).toContain(usd(toEscrow + fundingFee))
    expect(page.html).toMatch(new RegExp(`data-funding-fee[^>]*>${usdRe(fundingFee)}<`))
    expect(page.html).toMatch(new RegExp(`data-funding-fee-reserve[^>]*>${usdRe(2n * payoutFee)}<`))
    const [f] = await database.db.select().from(fundings).where(eq(fundings.jobId, job.id))
    expect(f).toMatchObject({ state: 'awaiting_consent', debitAmount: toEscrow + fundingFee, receiveAmount: toEscrow, fee: fundingFee, payoutFeeReserve: 2n * payoutFee })

    // The funder approves in the sandbox wallet; the browser comes back to our return URL.
    const back = await visit(await h.sandbox.approveConsent(f!.paymentUrl!))
    expect(back.location!.startsWith(`${base}/jobs/${job.id}/funding/${f!.id}/return`)).toBe(true)
    await owner.get(back.location!.slice(base.length))
    await waitFor(async () => (await database.db.select().from(fundings).where(eq(fundings.id, f!.id)))[0]!.state, (s) => s === 'completed', 30_000)
    expect((await web.services.payouts.ledger(job)).funded).toBe(toEscrow)
    expect(await h.sandbox.admin.balance(funderWallet.name)).toBe(100_00n - toEscrow - fundingFee)
    expect(await h.sandbox.admin.balance(h.seller.name)).toBe(escrowBefore + toEscrow)
    // The signed webhook arrived and was accepted.
    await waitFor(async () => (await database.db.select().from(webhookDeliveries)).length, (n) => n > 0, 30_000)
    const paidPage = (await owner.get(`/jobs/${job.id}`)).html
    expect(paidPage).toContain('data-escrow="funded"')
    expect(paidPage).toContain(`data-held="${toEscrow}"`)

    // Now the work starts; the creator submits and is accepted: paid from escrow, fixed receive.
    expect((await owner.post(`/jobs/${job.id}/start`)).status).toBe(303)
    await creator.postMultipart(`/jobs/${job.id}/submission`, { text: 'Nican tlahtoa', action: 'submit' })
    const subId = /data-submission="([^"]+)"/.exec((await owner.get(`/jobs/${job.id}`)).html)![1]!
    expect((await owner.post(`/submissions/${subId}/accept`)).status).toBe(303)
    await waitFor(
      async () => {
        await web.services.payouts.processDue()
        return (await database.db.select().from(payouts).where(eq(payouts.reference, subId)))[0]!.state
      },
      (s) => s === 'completed' || s === 'failed',
      40_000
    )
    // The creator's wallet receives exactly 10.00; escrow pays 10.00 plus the fee.
    const [sent] = await database.db.select().from(payouts).where(eq(payouts.reference, subId))
    expect(sent).toMatchObject({ state: 'completed', amount: 10_00n, debited: 10_00n + payoutFee, received: 10_00n, receivedAssetCode: 'USD', fee: payoutFee })
    const remote = await h.api('GET', `/payouts/${sent!.remoteId}`)
    expect(remote.json.payout).toMatchObject({ fixed: 'receive', amount: { value: '1000' }, receiveAmount: { value: '1000' }, debitAmount: { value: String(10_00n + payoutFee) }, fee: { value: String(payoutFee) } })
    expect(await h.sandbox.admin.balance(creatorWallet.name)).toBe(10_00n)

    // Completing the job refunds what escrow still holds: the second person's pay and the unspent fee reserve.
    // A refund is fixed send: its own fee comes out of it; the confirmation quotes it first and says what arrives.
    const heldAtClose = toEscrow - (10_00n + payoutFee)
    const refundFee = sandboxFee(heldAtClose)
    const arrives = `${usd(heldAtClose)}, vuelve a su billetera. La billetera del depósito se queda ${usd(refundFee)} de comisión por enviarlo, así que a su billetera llegan ${usd(heldAtClose - refundFee)}.`
    expect((await owner.get(`/jobs/${job.id}/complete`)).html).toContain(arrives)
    expect((await owner.post(`/jobs/${job.id}/complete`)).status).toBe(303)
    await waitFor(
      async () => {
        await web.services.payouts.processDue()
        return (await database.db.select().from(payouts).where(eq(payouts.kind, 'refund')))[0]?.state
      },
      (s) => s === 'completed' || s === 'failed',
      40_000
    )
    const [refund] = await database.db.select().from(payouts).where(eq(payouts.kind, 'refund'))
    expect(refund).toMatchObject({ state: 'completed', amount: heldAtClose, received: heldAtClose - refundFee, fee: refundFee })
    const ledger = await web.services.payouts.ledger(job)
    expect(ledger).toMatchObject({ funded: toEscrow, fees: fundingFee, paidOut: 10_00n, refunded: heldAtClose - refundFee, payoutFees: payoutFee + refundFee, held: 0n })
    expect(ledger.funded).toBe(ledger.paidOut + ledger.refunded + ledger.payoutFees + ledger.held)
    expect(await h.sandbox.admin.balance(funderWallet.name)).toBe(100_00n - toEscrow - fundingFee + heldAtClose - refundFee)
    // Escrow holds nothing for this job any more, as the ledger says.
    expect(await h.sandbox.admin.balance(h.seller.name)).toBe(escrowBefore + ledger.held)

    // My money and the ledger show what the wallets report.
    const creatorMoney = (await creator.get('/dashboard/money')).html
    expect(creatorMoney).toMatch(new RegExp(`data-money="earned"[^>]*>${usdRe(await h.sandbox.admin.balance(creatorWallet.name))}<`))
    expect(creatorMoney).toMatch(new RegExp(`data-money="fees"[^>]*>${usdRe(0n)}<`))
    expect(creatorMoney).toMatch(new RegExp(`data-money-entry="payout"[^]*?data-money-amount[^>]*>${usdRe(10_00n)}<`))
    const funderMoney = (await owner.get('/dashboard/money')).html
    expect(funderMoney).toMatch(new RegExp(`data-money="spent"[^>]*>${usdRe(toEscrow)}<`))
    expect(funderMoney).toMatch(new RegExp(`data-money="refunded"[^>]*>${usdRe(heldAtClose - refundFee)}<`))
    expect(funderMoney).toMatch(new RegExp(`data-money="fees"[^>]*>${usdRe(fundingFee + refundFee)}<`))
    expect(funderMoney).toMatch(new RegExp(`data-money-entry="refund"[^]*?data-money-amount[^>]*>${usdRe(heldAtClose - refundFee)}<[^]*?data-money-fee[^>]*>${usdRe(refundFee)}<`))
    const jobPage = (await owner.get(`/jobs/${job.id}`)).html
    expect(jobPage).toContain('data-ledger-balanced="true"')
    expect(jobPage).toContain('data-escrow="closed"')
    expect(jobPage).not.toContain('data-funding-funded')
    expect(jobPage).toMatch(new RegExp(`data-ledger="fees"[^>]*>${usdRe(fundingFee)}<`))
    expect(jobPage).toMatch(new RegExp(`data-ledger="payout_fees"[^>]*>${usdRe(payoutFee + refundFee)}<`))
    expect(jobPage).toMatch(new RegExp(`data-payout="${sent!.id}"[^]*?data-payout-received[^>]*>${usdRe(10_00n)}<[^]*?data-payout-fee[^>]*>${usdRe(payoutFee)}<`))
  }, 180_000)

  test('the funder declines at the wallet: the page says so, and "Try again" is a new payment that completes', async () => {
    const { owner, wallet, job } = await funderWithJob(stack, { username: 'decline_funder', title: 'Declined then paid', amount: '5.00' })
    await owner.post(`/jobs/${job.id}/funding`)
    const [first] = await fundingsOf(job.id)
    const declined = await backFromWallet(owner, await h.sandbox.denyConsent(first!.paymentUrl!))
    expect(declined.returnUrl.searchParams.get('walletResult')).toBe('grant_rejected')
    expect(declined.page).toContain(DECLINED)
    expect(declined.page).not.toContain(WINDOW_CLOSED)
    // Unverified, so nothing ended: the payment is still open at the payments service.
    expect((await fundingsOf(job.id))[0]).toMatchObject({ state: 'awaiting_consent', walletResult: 'grant_rejected' })

    const again = await owner.post(`/jobs/${job.id}/funding`)
    expect(again.status).toBe(303)
    const [old, next] = await fundingsOf(job.id)
    expect(old).toMatchObject({ state: 'rejected' })
    expect((await h.api('GET', `/payments/${old!.pendingId}/status`)).json.payment.failure.code).toBe('superseded')
    expect(next).toMatchObject({ state: 'awaiting_consent', walletResult: null })
    expect(next!.pendingId).not.toBe(old!.pendingId)

    const approved = await backFromWallet(owner, await h.sandbox.approveConsent(next!.paymentUrl!))
    expect(approved.returnUrl.pathname).toBe(`/jobs/${job.id}/funding/${next!.id}/return`)
    await waitFor(async () => (await fundingsOf(job.id))[1]!.state, (s) => s === 'completed', 30_000)
    // Escrow receives the pay and the payout fee reserve (one person).
    const toEscrow = 5_00n + sandboxFee(5_00n)
    expect((await web.services.payouts.ledger(job)).funded).toBe(toEscrow)
    expect(await h.sandbox.admin.balance(wallet.name)).toBe(100_00n - toEscrow - sandboxFee(toEscrow))
  }, 60_000)

  test('the approval window closes at the wallet: told as such, never as a decline; the payment then expires', async () => {
    const { owner, job } = await funderWithJob(stack, { username: 'window_funder', title: 'Window closed', amount: '5.00' })
    await owner.post(`/jobs/${job.id}/funding`)
    const [f] = await fundingsOf(job.id)
    h.sandbox.clock.advance(h.sandbox.sandbox.deps.config.interactionTtlSeconds * 1000 + 1000)
    // The person opens the consent page too late: the wallet sends them back with Rafiki's redirect.
    const consent = await fetch(f!.paymentUrl!, { redirect: 'manual' })
    const finish = new URL(consent.headers.get('location')!, f!.paymentUrl!).toString()
    const closed = await backFromWallet(owner, finish)
    expect(closed.returnUrl.searchParams.get('walletResult')).toBe('invalid_interaction')
    expect(closed.page).toContain(WINDOW_CLOSED)
    expect(closed.page).not.toContain(DECLINED)
    expect(closed.page).toContain('data-speak="funding.try_again"')
    // The payments service ends it at its own consent deadline; the page still says what happened.
    h.clock.advance(h.config.consentTimeoutMs + 1000)
    await waitFor(async () => (await web.services.fundings.refresh((await fundingsOf(job.id))[0]!)).state, (s) => s === 'expired', 30_000)
    const after = (await owner.get(`/jobs/${job.id}?funding=${f!.id}`)).html
    expect(after).toContain(WINDOW_CLOSED)
    expect(after).toContain('data-speak="funding.try_again"')
  }, 60_000)

  test('a funding that fails for want of money says so in the funder\'s language and offers Try again in one tap', async () => {
    const { owner, job } = await funderWithJob(stack, { username: 'poor_funder', title: 'Not enough money', amount: '5.00', funds: 1_00n })
    await owner.post(`/jobs/${job.id}/funding`)
    const [f] = await fundingsOf(job.id)
    await visit(await h.sandbox.approveConsent(f!.paymentUrl!))
    await waitFor(async () => (await web.services.fundings.refresh((await fundingsOf(job.id))[0]!)).state, (s) => s === 'failed', 30_000)
    expect((await fundingsOf(job.id))[0]).toMatchObject({ state: 'failed', failureCode: 'payment_failed' })
    const page = (await owner.get(`/jobs/${job.id}?funding=${f!.id}`)).html
    expect(page).toContain('data-funding-reason="escrow.reasons.not_enough_funds"')
    expect(page).toContain('Su billetera no pudo enviar el pago, casi siempre porque no tenía suficiente dinero.')
    expect(page).toContain(`action="/jobs/${job.id}/funding"`)
    expect(page).toContain('data-speak="funding.try_again"')
    expect(page).toContain('data-escrow="unfunded"')
    // Try again is one POST: a new quote for the same job.
    expect((await owner.post(`/jobs/${job.id}/funding`)).status).toBe(303)
    expect(await fundingsOf(job.id)).toHaveLength(2)
  }, 60_000)

  test('a payment the wallets cannot confirm in time is "being confirmed", not funded; an admin checks again and it is', async () => {
    const admin = new Agent(base)
    await admin.register('real_admin', 'funder')
    await setAdmin(database.db, 'real_admin', true)
    const { owner, job } = await funderWithJob(stack, { username: 'review_funder', title: 'Confirming at the wallets', amount: '5.00' })
    await owner.post(`/jobs/${job.id}/funding`)
    const [f] = await fundingsOf(job.id)
    // Neither the escrow's incoming payment nor the buyer's outgoing payment can be read.
    await h.sandbox.admin.setFaults({ errorRate: 1, paths: ['/incoming-payments/', '/outgoing-payments/'] })
    try {
      await visit(await h.sandbox.approveConsent(f!.paymentUrl!))
      await waitFor(async () => (await h.api('GET', `/payments/${f!.pendingId}/status`)).json.status, (s) => s === 'sending', 30_000)
      h.clock.advance(h.config.settlementDeadlineMs + 1000)
      await waitFor(async () => (await h.api('GET', `/payments/${f!.pendingId}/status`)).json.status, (s) => s === 'needs_review', 30_000)

      const page = (await owner.get(`/jobs/${job.id}?funding=${f!.id}`)).html
      expect(page).toContain('Estamos confirmando que su pago llegó')
      expect(page).not.toContain('El pago falló')
      expect(page).toContain('data-held="0"')
      expect((await fundingsOf(job.id))[0]!.state).toBe('needs_review')

      const money = (await admin.get('/admin/money')).html
      expect(money).toMatch(new RegExp(`data-review-funding="${f!.id}"[^]*?data-evidence[^>]*>[^<]*incoming payment could not be read`))
      // The wallets still cannot be read: it stays in review.
      expect((await admin.post(`/admin/fundings/${f!.id}/reconcile`)).location).toBe('/admin/money?done=still_in_review')
    } finally {
      await h.sandbox.admin.setFaults({})
    }
    // They answer again: "Check again now" drives the payments service's reconcile, which settles it from the money.
    await admin.get('/admin/money')
    expect((await admin.post(`/admin/fundings/${f!.id}/reconcile`)).location).toBe('/admin/money?done=reconciled')
    expect((await fundingsOf(job.id))[0]!.state).toBe('completed')
    const toEscrow = 5_00n + sandboxFee(5_00n)
    expect((await web.services.payouts.ledger(job)).funded).toBe(toEscrow)
    // The header's "in escrow" is the ledger's held figure.
    expect((await owner.get(`/jobs/${job.id}`)).html).toContain(`data-held="${toEscrow}"`)
  }, 90_000)
})
