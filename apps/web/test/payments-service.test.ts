/**
 * The web app against the real payments service and sandbox wallet, over HTTP: the payments client,
 * the quote and consent, the webhook, escrow payouts and refunds, with balances read from the sandbox.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { eq } from 'drizzle-orm'
import type { Database } from '@voces/platform'
import { visit, waitFor, type Harness } from '../../../services/payments/test/harness.ts'
import type { WebApp } from '../src/app.ts'
import { Agent, jobFields } from './helpers.ts'
import { startFullStack, type FullStack } from './full-stack.ts'
import { jobs, type Job } from '../src/jobs/model.ts'
import { fundings, webhookDeliveries } from '../src/payments/model.ts'
import { payouts } from '../src/payouts/model.ts'

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

describe('against the real payments service', () => {
  test('a funder pays escrow through the sandbox consent page; a creator is paid on accept; the rest is refunded', async () => {
    const funderWallet = await h.buyer('USD', 100_00n)
    const creatorWallet = await h.buyer('USD', 0n)
    const owner = new Agent(base)
    await owner.register('real_funder', 'funder')
    expect((await owner.postMultipart('/profile', { displayName: 'F', walletAddress: 'http://127.0.0.1:1/nowhere', roles: 'funder', preferredLanguage: 'es' })).status).toBe(422)
    const saved = await owner.postMultipart('/profile', { displayName: 'F', walletAddress: funderWallet.url, roles: 'funder', preferredLanguage: 'es' })
    expect(saved.status, saved.html.slice(saved.html.indexOf('<main'), saved.html.indexOf('<main') + 600)).toBe(303)
    await owner.postMultipart('/jobs', jobFields({ title: 'Real money', amount: '10.00', maxResponses: '2', recruitLimit: '1', submitLimit: '1', deliverableTypes: ['text'] }))
    const job = await jobByTitle('Real money')

    // Quote: 20.00 to escrow, shown with what the funder's wallet is debited.
    const quote = await owner.post(`/jobs/${job.id}/funding`)
    expect(quote.status, (await database.db.select().from(fundings)).map((x) => x.failureReason).join()).toBe(303)
    const page = await owner.get(quote.location!)
    expect(page.html).toContain('20.00 USD')
    const [f] = await database.db.select().from(fundings).where(eq(fundings.jobId, job.id))
    expect(f!.state).toBe('awaiting_consent')

    // The funder approves in the sandbox wallet; the browser comes back to our return URL.
    const back = await visit(await h.sandbox.approveConsent(f!.paymentUrl!))
    expect(back.location!.startsWith(`${base}/jobs/${job.id}/funding/${f!.id}/return`)).toBe(true)
    await owner.get(back.location!.slice(base.length))
    await waitFor(async () => (await database.db.select().from(fundings).where(eq(fundings.id, f!.id)))[0]!.state, (s) => s === 'completed', 30_000)
    expect((await web.services.payouts.ledger(job)).funded).toBe(20_00n)
    // The signed webhook arrived and was accepted.
    await waitFor(async () => (await database.db.select().from(webhookDeliveries)).length, (n) => n > 0, 30_000)

    // A creator applies, is selected, submits, and is accepted: paid from escrow.
    const creator = new Agent(base)
    await creator.register('real_creator', 'creator')
    await creator.postMultipart('/profile', { displayName: 'C', walletAddress: creatorWallet.url, roles: 'creator', preferredLanguage: 'es' })
    await creator.postMultipart(`/jobs/${job.id}/apply`, { note: 'hola' })
    const appId = /data-application="([^"]+)"/.exec((await owner.get(`/jobs/${job.id}`)).html)![1]!
    await owner.post(`/applications/${appId}/decide`, { state: 'selected' })
    await owner.post(`/jobs/${job.id}/start`)
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
    expect((await database.db.select().from(payouts).where(eq(payouts.reference, subId)))[0]!.state).toBe('completed')
    // The payout debits escrow 10.00; the creator's wallet receives that less the network's fees.
    const [sent] = await database.db.select().from(payouts).where(eq(payouts.reference, subId))
    const remote = await h.api('GET', `/payouts/${sent!.remoteId}`)
    expect(remote.json.payout.amount.value).toBe('1000')
    expect(await h.sandbox.admin.balance(creatorWallet.name)).toBe(BigInt(remote.json.payout.receiveAmount?.value ?? remote.json.payout.amount.value))

    // Completing the job refunds the 10.00 still held.
    expect((await owner.post(`/jobs/${job.id}/complete`)).status).toBe(303)
    await waitFor(
      async () => {
        await web.services.payouts.processDue()
        return (await database.db.select().from(payouts).where(eq(payouts.kind, 'refund')))[0]?.state
      },
      (s) => s === 'completed' || s === 'failed',
      40_000
    )
    const ledger = await web.services.payouts.ledger(job)
    expect(ledger).toMatchObject({ funded: 20_00n, paidOut: 10_00n, refunded: 10_00n, held: 0n })
    const [paid] = await database.db.select().from(fundings).where(eq(fundings.id, f!.id))
    const refund = (await database.db.select().from(payouts).where(eq(payouts.kind, 'refund')))[0]!
    const refundRemote = await h.api('GET', `/payouts/${refund.remoteId}`)
    expect(await h.sandbox.admin.balance(funderWallet.name)).toBe(100_00n - paid!.debitAmount! + BigInt(refundRemote.json.payout.receiveAmount?.value ?? '1000'))
    expect((await creator.get('/dashboard/money')).html).toMatch(/data-money="earned"[^>]*>10.00 USD/)
    expect((await owner.get(`/jobs/${job.id}`)).html).toContain('data-ledger-balanced="true"')
  }, 180_000)
})
