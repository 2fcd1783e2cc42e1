/**
 * What the wallets report, told truthfully (issue 8), against the fake payments service: the buyer's
 * wallet's unsigned `result=` redirect (declined vs. approval window closed) with a working "Try again",
 * a payment or payout the wallets have not settled in time (`needs_review`) shown as such and reconciled
 * by an admin, a state this app does not know, and what each payout cost in fees.
 * The same against the real payments service and sandbox wallet: payments-service.test.ts.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { eq } from 'drizzle-orm'
import { createLogger } from '@voces/platform'
import { Agent, jobFields, startTestWeb, type TestWeb } from './helpers.ts'
import { jobs, type Job } from '../src/jobs/model.ts'
import { fundings, type Funding } from '../src/funding/model.ts'
import { payouts } from '../src/payouts/model.ts'
import { setAdmin } from '../src/pages/admin/set-admin.ts'

let t: TestWeb
let owner: Agent
let admin: Agent
/** What the app logged, as pino's arguments (the admin actions among them). */
const logged: unknown[][] = []

beforeAll(async () => {
  const logger = createLogger({
    level: 'info',
    hooks: {
      logMethod(args) {
        logged.push(args)
      }
    }
  })
  t = await startTestWeb({}, { logger })
  owner = new Agent(t.baseUrl)
  await owner.register('reports_funder', 'funder')
  await owner.postMultipart('/profile', { displayName: 'Funder', walletAddress: 'https://wallet.test/reports_funder', roles: 'funder', preferredLanguage: 'es' })
  admin = new Agent(t.baseUrl)
  await admin.register('reports_admin', 'funder')
  await setAdmin(t.database.db, 'reports_admin', true)
})
afterAll(() => t?.close())

async function newJob(title: string, amount = '10.00', people = '1'): Promise<Job> {
  await owner.postMultipart('/jobs', jobFields({ title, amount, maxResponses: people }))
  const [job] = await t.database.db.select().from(jobs).where(eq(jobs.title, title))
  return job!
}

async function fundingsOf(jobId: string): Promise<Funding[]> {
  return t.database.db.select().from(fundings).where(eq(fundings.jobId, jobId)).orderBy(fundings.createdAt)
}

/** Starts a funding and brings the browser back from the wallet, which said `result` instead of approving. */
async function walletSaid(job: Job, result: string): Promise<{ funding: Funding; page: string }> {
  expect((await owner.post(`/jobs/${job.id}/funding`)).status).toBe(303)
  const [funding] = await fundingsOf(job.id)
  t.payments.walletSays(funding!.pendingId!, result)
  // The payments service sends the browser back with ?payment=…&status=awaiting_consent&walletResult=….
  const back = await owner.get(`/jobs/${job.id}/funding/${funding!.id}/return?payment=${funding!.pendingId}&status=awaiting_consent&walletResult=${result}`)
  expect(back.status).toBe(303)
  return { funding: funding!, page: (await owner.get(back.location!)).html }
}

const DECLINED = 'Su billetera dice que usted lo rechazó. No se pagó nada.'
const WINDOW_CLOSED = 'Se acabó el tiempo para aprobar en su billetera. No se pagó nada.'
const COULD_NOT = 'Su billetera no pudo terminar la aprobación. No se pagó nada.'

describe("the buyer's wallet reported instead of approving", () => {
  test('a decline is told as a decline, with a speaker and a plain-form "Try again" that starts a new payment', async () => {
    const job = await newJob('Declined at the wallet')
    const { funding, page } = await walletSaid(job, 'grant_rejected')
    expect(page).toContain(DECLINED)
    expect(page).not.toContain(WINDOW_CLOSED)
    expect(page).toContain('data-speak="funding.wallet_result.declined"')
    // The report is not verified: the payment stays open, nothing is funded, the old link is not offered.
    expect((await fundingsOf(job.id))[0]).toMatchObject({ state: 'awaiting_consent', walletResult: 'grant_rejected' })
    expect(page).not.toContain(`http://wallet.test/consent/${funding.pendingId}`)
    // "Try again" is a form posting to the quote start, with the CSRF token: keyboard and no-JS usable.
    expect(page).toMatch(new RegExp(`<form method="post" action="/jobs/${job.id}/funding"[^>]*>\\s*<input type="hidden" name="_csrf"`))
    expect(page).toContain('data-speak="funding.try_again"')

    const again = await owner.post(`/jobs/${job.id}/funding`)
    expect(again.status).toBe(303)
    // A second click while the first is done starts nothing more.
    expect((await owner.post(`/jobs/${job.id}/funding`)).status).toBe(303)
    const rows = await fundingsOf(job.id)
    expect(rows).toHaveLength(2)
    expect(rows[0]).toMatchObject({ id: funding.id, state: 'rejected' })
    expect(rows[0]!.failureReason).toMatch(/^superseded/)
    expect(rows[1]).toMatchObject({ state: 'awaiting_consent', walletResult: null, requested: 1000n })
    expect([...t.payments.payments.values()].filter((p) => p.offerId === job.id)).toHaveLength(2)
    const fresh = (await owner.get(again.location!)).html
    expect(fresh).toContain(`http://wallet.test/consent/${rows[1]!.pendingId}`)
    expect(fresh).not.toContain(DECLINED)

    // Approved this time: the job is funded by the new payment only.
    t.payments.settle(rows[1]!.pendingId!, 'completed')
    await t.web.services.fundings.refreshOpen()
    expect((await t.web.services.payouts.ledger(job)).funded).toBe(1000n)
  })

  test('an approval window that closed is never told as a decline, in either language', async () => {
    const job = await newJob('Window closed at the wallet')
    const { page } = await walletSaid(job, 'invalid_interaction')
    expect(page).toContain(WINDOW_CLOSED)
    expect(page).not.toContain(DECLINED)
    expect(page).toContain('data-speak="funding.try_again"')
    await owner.post('/language', { lang: 'en', next: `/jobs/${job.id}` })
    const en = (await owner.get(`/jobs/${job.id}`)).html
    expect(en).toContain('The time to approve at your wallet ran out. Nothing was paid.')
    expect(en).not.toContain('declined')
    await owner.post('/language', { lang: 'es', next: '/' })
    // Try again supersedes the open payment as expired, not rejected.
    await owner.post(`/jobs/${job.id}/funding`)
    const rows = await fundingsOf(job.id)
    expect(rows.map((r) => r.state)).toEqual(['expired', 'awaiting_consent'])
  })

  test('any other report: the wallet could not finish', async () => {
    const job = await newJob('Wallet could not finish')
    const { page } = await walletSaid(job, 'something_else')
    expect(page).toContain(COULD_NOT)
    expect(page).not.toContain(DECLINED)
    expect(page).not.toContain(WINDOW_CLOSED)
  })

  test('a payment that ended (expired after the report) offers the new start from the page it is shown on', async () => {
    const job = await newJob('Expired after a report')
    const { funding } = await walletSaid(job, 'invalid_interaction')
    t.payments.settle(funding.pendingId!, 'expired', 'consent_expired the buyer did not approve in time')
    const page = (await owner.get(`/jobs/${job.id}?funding=${funding.id}`)).html
    expect(page).toContain('La cotización venció')
    expect(page).toContain(WINDOW_CLOSED)
    expect(page).toContain('data-speak="funding.try_again"')
    expect((await owner.post(`/jobs/${job.id}/funding`)).status).toBe(303)
    expect((await fundingsOf(job.id)).map((r) => r.state)).toEqual(['expired', 'awaiting_consent'])
  })
})

describe('money the wallets have not confirmed in time (needs_review)', () => {
  test('the funder is told it is being confirmed, the job is not funded; an admin checks again and it completes', async () => {
    const job = await newJob('Confirming arrival')
    await owner.post(`/jobs/${job.id}/funding`)
    const [f] = await fundingsOf(job.id)
    t.payments.settle(f!.pendingId!, 'needs_review', 'settlement_deadline the escrow incoming payment has received 0 of 1000')
    const page = (await owner.get(`/jobs/${job.id}?funding=${f!.id}`)).html
    expect(page).toContain('Estamos confirmando que su pago llegó')
    expect(page).toContain('data-speak="funding.needs_review_explain"')
    expect(page).not.toContain('El pago falló')
    expect(page).not.toContain('Pago recibido')
    expect(page).toContain('data-held="0"')
    // Still open: a new quote start does not start a second payment.
    await owner.post(`/jobs/${job.id}/funding`)
    expect(await fundingsOf(job.id)).toHaveLength(1)
    expect((await t.web.services.payouts.ledger(job)).funded).toBe(0n)

    // The admin sees it with its evidence and a "Check again now" button.
    const money = (await admin.get('/admin/money')).html
    expect(money).toMatch(new RegExp(`data-review-funding="${f!.id}"[^]*?data-evidence[^>]*>settlement_deadline the escrow incoming payment has received 0 of 1000<`))
    expect(money).toContain(`action="/admin/fundings/${f!.id}/reconcile"`)
    expect(money).toContain('data-speak="admin.money.check_again"')
    // Nobody else may press it.
    expect((await owner.post(`/admin/fundings/${f!.id}/reconcile`)).status).toBe(404)
    expect(t.payments.reconciled).not.toContain(f!.pendingId)

    // The wallets still do not confirm: it stays in review, and says so.
    const still = await admin.post(`/admin/fundings/${f!.id}/reconcile`)
    expect(still.location).toBe('/admin/money?done=still_in_review')
    expect(t.payments.reconciled).toContain(f!.pendingId)
    // Then the money is found.
    t.payments.onReconcile.set(f!.pendingId!, 'completed')
    logged.length = 0
    const done = await admin.post(`/admin/fundings/${f!.id}/reconcile`)
    expect(done.location).toBe('/admin/money?done=reconciled')
    expect(logged.some(([o, msg]) => msg === 'admin action' && (o as Record<string, unknown>).action === 'payment_reconciled' && (o as Record<string, unknown>).admin === 'reports_admin' && (o as Record<string, unknown>).state === 'completed')).toBe(true)
    expect((await fundingsOf(job.id))[0]!.state).toBe('completed')
    expect((await t.web.services.payouts.ledger(job)).funded).toBe(1000n)
    const after = (await admin.get('/admin/money?done=reconciled')).html
    expect(after).toContain('data-admin-notice="reconciled"')
    expect(after).not.toContain(`data-review-funding="${f!.id}"`)
  })

  test('a payout in review is listed with its evidence, counts as in flight, and is reconciled by the button', async () => {
    const job = await newJob('Payout in review', '10.00', '1')
    await owner.post(`/jobs/${job.id}/funding`)
    const [f] = await fundingsOf(job.id)
    t.payments.settle(f!.pendingId!, 'completed')
    await t.web.services.fundings.refreshOpen()
    const creator = new Agent(t.baseUrl)
    await creator.register('reports_creator', 'creator')
    await creator.postMultipart('/profile', { displayName: 'Creadora', walletAddress: 'https://wallet.test/reports_creator', roles: 'creator', preferredLanguage: 'es' })
    await creator.postMultipart(`/jobs/${job.id}/apply`, { note: 'hola' })
    const appId = /data-application="([^"]+)"/.exec((await owner.get(`/jobs/${job.id}`)).html)![1]!
    await owner.post(`/applications/${appId}/decide`, { state: 'selected' })
    await owner.post(`/jobs/${job.id}/start`)
    await creator.postMultipart(`/jobs/${job.id}/submission`, { text: 'Nican', action: 'submit' })
    const subId = /data-submission="([^"]+)"/.exec((await owner.get(`/jobs/${job.id}`)).html)![1]!
    await owner.post(`/submissions/${subId}/accept`)
    await t.web.services.payouts.processDue()
    const [p] = await t.database.db.select().from(payouts).where(eq(payouts.jobId, job.id))
    t.payments.settlePayout(p!.remoteId!, 'needs_review', 'settlement_deadline the creator incoming payment has received 0 of 935')
    await t.web.services.payouts.processDue()
    expect((await t.database.db.select().from(payouts).where(eq(payouts.id, p!.id)))[0]!.state).toBe('needs_review')
    const ledger = await t.web.services.payouts.ledger(job)
    expect(ledger).toMatchObject({ paidOut: 0n, inFlight: 1000n, held: 1000n })
    expect((await creator.get(`/jobs/${job.id}`)).html).toContain('Estamos confirmando que el pago llegó')

    const money = (await admin.get('/admin/money')).html
    expect(money).toMatch(new RegExp(`data-review-payout="${p!.id}"[^]*?settlement_deadline the creator incoming payment has received 0 of 935`))
    t.payments.onReconcile.set(p!.remoteId!, 'completed')
    t.payments.payoutFee = 65n
    const done = await admin.post(`/admin/payouts/${p!.id}/reconcile`)
    expect(done.location).toBe('/admin/money?done=reconciled')
    expect(logged.some(([o]) => (o as Record<string, unknown>).action === 'payout_reconciled')).toBe(true)
    const [paid] = await t.database.db.select().from(payouts).where(eq(payouts.id, p!.id))
    // Fixed receive: the creator gets the whole 10.00; escrow paid the fee on top.
    expect(paid).toMatchObject({ state: 'completed', received: 1000n, fee: 65n, debited: 1065n })
    t.payments.payoutFee = 0n
  })
})

describe('a state this app does not know', () => {
  test('is shown as unknown, never as waiting for approval, and keeps the payment open', async () => {
    const job = await newJob('Unknown state')
    await owner.post(`/jobs/${job.id}/funding`)
    const [f] = await fundingsOf(job.id)
    t.payments.settle(f!.pendingId!, 'unknown', 'unknown_state settling')
    const page = (await owner.get(`/jobs/${job.id}?funding=${f!.id}`)).html
    expect(page).toContain('Estado desconocido')
    expect(page).not.toContain('Esperando su aprobación')
    expect((await fundingsOf(job.id))[0]!.state).toBe('unknown')
    expect(await t.web.services.fundings.openFor(job.id)).not.toBeNull()
    expect((await admin.get('/admin/money')).html).toContain(`data-review-funding="${f!.id}"`)
  })
})

describe('fees, as the wallets report them', () => {
  test("the funder pays the fees: the creator receives exactly her pay, the ledger shows each payout's fee", async () => {
    // Like the sandbox's default (0.50 + 1 % of what is sent, rounded up), in the fake's figures.
    const fee = (sent: bigint) => 50n + (sent + 99n) / 100n
    t.payments.fee = fee(1500n)
    t.payments.payoutFee = fee(1500n)
    try {
      const job = await newJob('Fees told', '15.00', '1')
      await owner.post(`/jobs/${job.id}/funding`)
      const [f] = await fundingsOf(job.id)
      // Escrow is to receive the pay and the payout fee reserve: 15.00 + 0.65.
      expect(f).toMatchObject({ requested: 1565n, payoutFeeReserve: 65n })
      const quote = (await owner.get(`/jobs/${job.id}`)).html
      // The quote box: debited 16.30, funding fee 0.65, escrow receives 15.65 of which 0.65 for payout fees.
      expect(quote).toMatch(/data-funding-fee[^>]*>\$0.65 MXN</)
      expect(quote).toContain('16.30 MXN')
      expect(quote).toMatch(/data-funding-fee-reserve[^>]*>\$0.65 MXN</)
      t.payments.settle(f!.pendingId!, 'completed')
      await t.web.services.fundings.refreshOpen()
      const creator = new Agent(t.baseUrl)
      await creator.register('fees_creator', 'creator')
      await creator.postMultipart('/profile', { displayName: 'Creadora', walletAddress: 'https://wallet.test/fees_creator', roles: 'creator', preferredLanguage: 'es' })
      await creator.postMultipart(`/jobs/${job.id}/apply`, { note: 'hola' })
      const appId = /data-application="([^"]+)"/.exec((await owner.get(`/jobs/${job.id}`)).html)![1]!
      await owner.post(`/applications/${appId}/decide`, { state: 'selected' })
      expect((await owner.post(`/jobs/${job.id}/start`)).status).toBe(303)
      await creator.postMultipart(`/jobs/${job.id}/submission`, { text: 'Nican', action: 'submit' })
      const subId = /data-submission="([^"]+)"/.exec((await owner.get(`/jobs/${job.id}`)).html)![1]!
      await owner.post(`/submissions/${subId}/accept`)
      await t.web.services.payouts.processDue()
      const [p] = await t.database.db.select().from(payouts).where(eq(payouts.jobId, job.id))
      t.payments.settlePayout(p!.remoteId!, 'completed')
      await t.web.services.payouts.processDue()

      const ledger = await t.web.services.payouts.ledger(job)
      expect(ledger).toMatchObject({ funded: 1565n, fees: fee(1500n), paidOut: 1500n, payoutFees: fee(1500n), held: 0n })
      const jobPage = (await owner.get(`/jobs/${job.id}`)).html
      expect(jobPage).toMatch(/data-ledger="payout_fees"[^>]*>\$0.65 MXN</)
      expect(jobPage).toContain('data-ledger-balanced="true"')
      expect(jobPage).toMatch(new RegExp(`data-payout="${p!.id}"[^]*?data-payout-amount[^>]*>\\$15.65 MXN<[^]*?data-payout-received[^>]*>\\$15.00 MXN<[^]*?data-payout-fee[^>]*>\\$0.65 MXN<`))
      // The creator: exactly her pay, and no fee of hers (the funder paid it).
      const mine = (await creator.get('/dashboard/money')).html
      expect(mine).toMatch(/data-money="earned"[^>]*>\$15.00 MXN</)
      expect(mine).toMatch(/data-money="fees"[^>]*>\$0.00 MXN</)
      const onJob = (await creator.get(`/jobs/${job.id}`)).html
      expect(onJob).toContain('Pagado: $15.00 MXN.')
      expect(onJob).not.toContain('las billeteras cobraron')
      // The funder's My money: spent what escrow received, and the funding fee on top.
      const funderMoney = (await owner.get('/dashboard/money')).html
      expect(funderMoney).toMatch(/data-money="fees"[^>]*>[^<]*MXN</)
      expect(funderMoney).not.toMatch(/data-money="fees"[^>]*>\$0.00 MXN</)
      // The admin money page: the same figures for the payout.
      const adminMoney = (await admin.get('/admin/money')).html
      expect(adminMoney).toMatch(new RegExp(`data-payout="${p!.id}"[^]*?data-payout-received[^>]*>\\$15.00 MXN<[^]*?data-payout-fee[^>]*>\\$0.65 MXN<`))
    } finally {
      t.payments.fee = 0n
      t.payments.payoutFee = 0n
    }
  })
})
