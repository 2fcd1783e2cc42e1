import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { eq } from 'drizzle-orm'
import { Webhook } from 'standardwebhooks'
import { Agent, fundWithFake, jobFields, startTestWeb, type TestWeb } from './helpers.ts'
import { jobs, type Job } from '../src/jobs/model.ts'
import { submissions } from '../src/submissions/model.ts'
import { payouts, type Payout } from '../src/payouts/model.ts'
import { fundings } from '../src/funding/model.ts'
import { applications } from '../src/applications/model.ts'
import { users } from '../src/domain/user.ts'

let t: TestWeb
let owner: Agent
const DAY = 86_400_000

beforeAll(async () => {
  t = await startTestWeb()
  owner = new Agent(t.baseUrl)
  await owner.register('boss', 'funder')
})
afterAll(() => t.close())

async function job(title: string): Promise<Job> {
  const [row] = await t.database.db.select().from(jobs).where(eq(jobs.title, title))
  return row!
}

/** The owner, with her wallet, pays the job into escrow through the fake payments service (confirmed at once). */
const fund = (j: Job) => fundWithFake(owner, { db: t.database.db, payments: t.payments, fundings: t.web.services.fundings }, j.id, 'https://wallet.test/boss')

/** The creator of the submission gets `wallet`; the owner accepts her work. Answers the creator's id. */
async function accept(submissionId: string, wallet: string): Promise<string> {
  const [submission] = await t.database.db.select().from(submissions).where(eq(submissions.id, submissionId))
  await t.database.db.update(users).set({ walletAddress: wallet }).where(eq(users.id, submission!.creatorId))
  await owner.post(`/submissions/${submissionId}/accept`)
  return submission!.creatorId
}

/** Accepted, sent by the worker, and reported failed by the payments service: the job's first payout. */
async function failedPayout(j: Job, submissionId: string, wallet: string): Promise<Payout> {
  await accept(submissionId, wallet)
  await t.web.services.payouts.processDue()
  const [first] = await t.database.db.select().from(payouts).where(eq(payouts.jobId, j.id))
  t.payments.settlePayout(first!.remoteId!, 'failed')
  await t.web.services.payouts.processDue()
  return first!
}

/** A job in `submitting` with `n` creators selected, each having submitted text. */
async function jobWithSubmissions(title: string, n: number, maxResponses: number): Promise<{ job: Job; ids: string[] }> {
  await owner.postMultipart('/jobs', jobFields({ title, maxResponses: String(maxResponses), recruitLimit: String(n), submitLimit: String(n + 1), deliverableTypes: ['text'] }))
  const j = await job(title)
  const creators: Agent[] = []
  for (let i = 0; i < n; i++) {
    const c = new Agent(t.baseUrl)
    await c.register(`${title.toLowerCase().replace(/\W/g, '')}_${i}`, 'creator')
    await c.postMultipart(`/jobs/${j.id}/apply`, { note: 'hi' })
    creators.push(c)
  }
  // Select directly: the test is about accepts, not selection limits.
  await t.database.db.update(applications).set({ state: 'selected' }).where(eq(applications.jobId, j.id))
  await t.database.db.update(jobs).set({ state: 'submitting', submitDeadline: new Date(Date.now() + DAY) }).where(eq(jobs.id, j.id))
  for (const c of creators) await c.postMultipart(`/jobs/${j.id}/submission`, { text: 'work', action: 'submit' })
  const subs = await t.database.db.select().from(submissions).where(eq(submissions.jobId, j.id))
  return { job: j, ids: subs.map((s) => s.id) }
}

describe('concurrent accepts', () => {
  test('never exceed the number of people wanted, and each accept records exactly one payout', async () => {
    const { job: j, ids } = await jobWithSubmissions('Race', 5, 2)
    expect(ids).toHaveLength(5)
    // Accept means pay: escrow holds the two people's pay first.
    await fund(j)
    const results = await Promise.all(ids.map((id) => owner.post(`/submissions/${id}/accept`)))
    expect(results.filter((r) => r.status === 303)).toHaveLength(2)
    expect(results.filter((r) => r.status === 409)).toHaveLength(3)
    const accepted = (await t.database.db.select().from(submissions).where(eq(submissions.jobId, j.id))).filter((s) => s.state === 'accepted')
    expect(accepted).toHaveLength(2)
    expect(await t.database.db.select().from(payouts).where(eq(payouts.jobId, j.id))).toHaveLength(2)
  })
})

describe('a failed payout', () => {
  test('can be retried by the owner only, under a new reference; the creator sees the latest', async () => {
    const { job: j, ids } = await jobWithSubmissions('Retry', 1, 1)
    await fund(j)
    const first = await failedPayout(j, ids[0]!, 'https://wallet.test/creator')
    expect((await t.database.db.select().from(payouts).where(eq(payouts.id, first.id)))[0]!.state).toBe('failed')
    const stranger = new Agent(t.baseUrl)
    await stranger.register('stranger_retry', 'both')
    expect((await stranger.post(`/payouts/${first.id}/retry`)).status).toBe(404)
    expect((await owner.post(`/payouts/${first.id}/retry`)).status).toBe(303)
    expect((await owner.post(`/payouts/${first.id}/retry`)).status).toBe(409)
    await t.web.services.payouts.processDue()
    const all = await t.database.db.select().from(payouts).where(eq(payouts.jobId, j.id))
    const retry = all.find((p) => p.id !== first.id)!
    expect(retry.reference).toBe(`${ids[0]}:retry1`)
    expect(retry.state).toBe('sending')
    t.payments.settlePayout(retry.remoteId!, 'completed')
    await t.web.services.payouts.processDue()
    const latest = await t.web.services.payouts.forSubmissions([ids[0]!])
    expect(latest).toHaveLength(1)
    expect(latest[0]!.state).toBe('completed')
    expect((await t.web.services.payouts.ledger(j)).paidOut).toBe(j.amountPerPerson)
  })
})

describe('a failed payout when the job closes', () => {
  test('stays owed: the refund leaves its money in escrow and the Retry pays it', async () => {
    const { job: j, ids } = await jobWithSubmissions('Failed then closed', 1, 2)
    await fund(j)
    const first = await failedPayout(j, ids[0]!, 'https://wallet.test/failing')
    expect((await owner.post(`/jobs/${j.id}/complete`)).status).toBe(303)
    const refunds = (await t.database.db.select().from(payouts).where(eq(payouts.jobId, j.id))).filter((p) => p.kind === 'refund')
    // Funded for two people, one accepted: only the other person's share goes back.
    expect(refunds.map((r) => r.amount)).toEqual([j.amountPerPerson])
    expect((await owner.post(`/payouts/${first.id}/retry`)).status).toBe(303)
    await t.web.services.payouts.processDue()
    const retry = (await t.database.db.select().from(payouts).where(eq(payouts.jobId, j.id))).find((p) => p.reference === `${ids[0]}:retry1`)!
    expect(retry).toMatchObject({ state: 'sending' })
    expect(retry.lastError).toBeNull()
    // Once a retry is live, the failed attempt is no longer counted twice.
    expect((await t.web.services.payouts.ledger(j)).available).toBe(0n)
  })
})

describe('a payout whose answer was lost', () => {
  test('is retried with the wallet of the first attempt, even after the creator changed wallet; never failed, never paid twice', async () => {
    const { job: j, ids } = await jobWithSubmissions('Lost answer', 1, 1)
    await fund(j)
    const creatorId = await accept(ids[0]!, 'https://wallet.test/old')
    // The payments service creates the payout, but its answer never comes back.
    const original = t.payments.createPayout
    t.payments.createPayout = async (input) => {
      t.payments.createPayout = original
      await original(input)
      return { ok: false, error: 'unreachable', message: 'timeout' }
    }
    await t.web.services.payouts.processDue()
    await t.database.db.update(users).set({ walletAddress: 'https://wallet.test/new' }).where(eq(users.id, creatorId))
    await t.web.services.payouts.processDue(new Date(Date.now() + 60 * 60_000))
    const [p] = await t.database.db.select().from(payouts).where(eq(payouts.jobId, j.id))
    expect(p).toMatchObject({ state: 'sending', receiverWallet: 'https://wallet.test/old' })
    expect(p!.remoteId).toBeTruthy()
    expect((await owner.post(`/payouts/${p!.id}/retry`)).status).toBe(409)
    const sent = [...t.payments.payoutsByReference.values()].filter((x) => x.reference.startsWith(ids[0]!))
    expect(sent).toEqual([expect.objectContaining({ receiver: 'https://wallet.test/old' })])
  })
})

describe('automatic transitions happen on time, by the scheduler', () => {
  test('recruiting → selecting at the recruit deadline, → expired without applications', async () => {
    await owner.postMultipart('/jobs', jobFields({ title: 'With one applicant', recruitLimit: '5' }))
    await owner.postMultipart('/jobs', jobFields({ title: 'Nobody came', recruitLimit: '5' }))
    const c = new Agent(t.baseUrl)
    await c.register('lone_applicant', 'creator')
    await c.postMultipart(`/jobs/${(await job('With one applicant')).id}/apply`, { note: 'yo' })
    const transitions = t.web.services.transitions
    expect(await transitions.tick(new Date())).toBe(0)
    await transitions.tick(new Date(Date.now() + 6 * DAY))
    expect((await job('With one applicant')).state).toBe('selecting')
    expect((await job('Nobody came')).state).toBe('expired')
  })

  test('submitting → reviewing at the submit deadline; → expired without submissions; expiry date', async () => {
    const { job: j } = await jobWithSubmissions('Deadline', 1, 1)
    // One submission arrived but the limit is two: the deadline moves it.
    expect((await job('Deadline')).state).toBe('submitting')
    await t.web.services.transitions.tick(new Date(Date.now() + 2 * DAY))
    expect((await job('Deadline')).state).toBe('reviewing')
    await t.database.db.update(jobs).set({ state: 'submitting' }).where(eq(jobs.id, j.id))
    await t.database.db.delete(payouts).where(eq(payouts.jobId, j.id))
    await t.database.db.delete(submissions).where(eq(submissions.jobId, j.id))
    await t.web.services.transitions.tick(new Date(Date.now() + 2 * DAY))
    expect((await job('Deadline')).state).toBe('expired')
  })

  test('the background scheduler runs the same tick without anyone opening a page', async () => {
    await owner.postMultipart('/jobs', jobFields({ title: 'Background', recruitLimit: '5' }))
    await t.database.db.update(jobs).set({ recruitDeadline: new Date(Date.now() - 1000) }).where(eq(jobs.title, 'Background'))
    await t.web.services.scheduler.runOnce()
    expect((await job('Background')).state).toBe('expired')
  })
})

describe('cancel and expiry refund escrow', () => {
  test('canceling a funded job refunds the funder', async () => {
    await owner.postMultipart('/jobs', jobFields({ title: 'To cancel', amount: '5', maxResponses: '2' }))
    const j = await job('To cancel')
    await fund(j)
    expect((await owner.post(`/jobs/${j.id}/cancel`)).status).toBe(303)
    const [refund] = await t.database.db.select().from(payouts).where(eq(payouts.jobId, j.id))
    expect(refund).toMatchObject({ kind: 'refund', amount: 1000n, state: 'pending' })
    await t.web.services.payouts.processDue()
    const sent = [...t.payments.payoutsByReference.values()].find((p) => p.reference === refund!.reference)!
    expect(sent).toMatchObject({ amount: '10.00', receiver: 'https://wallet.test/boss' })
  })
})

describe('money in another asset', () => {
  async function fundedJob(title: string) {
    await owner.postMultipart('/profile', { displayName: 'Boss', walletAddress: 'https://wallet.test/boss', roles: 'funder', preferredLanguage: 'es' })
    await owner.postMultipart('/jobs', jobFields({ title, amount: '5', maxResponses: '1' }))
    const j = await job(title)
    await owner.post(`/jobs/${j.id}/funding`)
    const [f] = await t.database.db.select().from(fundings).where(eq(fundings.jobId, j.id))
    t.payments.settle(f!.pendingId!, 'completed')
    return { j, f: f! }
  }

  test.each([
    ['another asset code', { assetCode: 'USD', assetScale: 2 }],
    ['another scale', { assetCode: 'MXN', assetScale: 3 }]
  ])('a payment received in %s never counts as funding; the problem is recorded', async (name, asset) => {
    const { j, f } = await fundedJob(`Other asset ${name}`)
    const original = t.payments.getPaymentStatus
    t.payments.getPaymentStatus = async (id) => {
      const r = await original(id)
      return r.ok && r.value.receivedAmount ? { ok: true, value: { ...r.value, receivedAmount: { ...r.value.receivedAmount, ...asset } } } : r
    }
    try {
      await t.web.services.fundings.refreshOpen()
    } finally {
      t.payments.getPaymentStatus = original
    }
    const [row] = await t.database.db.select().from(fundings).where(eq(fundings.id, f.id))
    expect(row!.state).toBe('failed')
    expect(row!.failureReason).toContain('asset_mismatch')
    expect((await t.web.services.payouts.ledger(j)).funded).toBe(0n)
    const status = await owner.get(`/jobs/${j.id}/funding/${f.id}/status`)
    expect(JSON.parse(status.html)).toMatchObject({ state: 'failed' })
  })

  test('fees are counted only for debits in the escrow asset', async () => {
    const original = t.payments.startQuote
    t.payments.startQuote = async (input) => {
      const r = await original(input)
      return r.ok ? { ok: true, value: { ...r.value, quote: { ...r.value.quote, debitAmount: { value: '9999', assetCode: 'USD', assetScale: 2 } } } } : r
    }
    let funded: { j: Job; f: typeof fundings.$inferSelect }
    try {
      funded = await fundedJob('Debit in dollars')
    } finally {
      t.payments.startQuote = original
    }
    await t.web.services.fundings.refreshOpen()
    const ledger = await t.web.services.payouts.ledger(funded.j)
    expect(ledger.funded).toBe(500n)
    expect(ledger.fees).toBe(0n)
  })
})

describe('payments webhook', () => {
  const secret = () => t.config.payments.webhookSecret
  async function send(body: string, headers: Record<string, string>) {
    return fetch(`${t.baseUrl}/webhooks/payments`, { method: 'POST', body, headers: { 'content-type': 'application/json', ...headers } })
  }

  test('an unsigned or wrongly signed delivery is refused and changes nothing', async () => {
    const body = JSON.stringify({ type: 'payment.completed', data: { pendingId: 'x' } })
    expect((await send(body, {})).status).toBe(401)
    const forged = new Webhook('whsec_' + Buffer.from('another-secret-entirely').toString('base64'))
    const ts = new Date()
    const sig = forged.sign('msg_1', ts, body)
    expect((await send(body, { 'webhook-id': 'msg_1', 'webhook-timestamp': String(Math.floor(ts.getTime() / 1000)), 'webhook-signature': sig })).status).toBe(401)
  })

  test('a signed delivery triggers a re-read of the status; the payload alone proves nothing', async () => {
    await owner.postMultipart('/jobs', jobFields({ title: 'Webhook job', amount: '3', maxResponses: '1' }))
    const j = await job('Webhook job')
    await owner.post(`/jobs/${j.id}/funding`)
    const [f] = await t.database.db.select().from(fundings).where(eq(fundings.jobId, j.id))
    const hook = new Webhook(secret())
    const deliver = async (id: string) => {
      const body = JSON.stringify({ type: 'payment.completed', data: { pendingId: f!.pendingId, status: 'completed' } })
      const ts = new Date()
      return send(body, { 'webhook-id': id, 'webhook-timestamp': String(Math.floor(ts.getTime() / 1000)), 'webhook-signature': hook.sign(id, ts, body) })
    }
    // The payload claims completion, but the payments service says it is still awaiting consent.
    expect((await deliver('msg_a')).status).toBe(204)
    expect((await t.database.db.select().from(fundings).where(eq(fundings.id, f!.id)))[0]!.state).toBe('awaiting_consent')
    t.payments.settle(f!.pendingId!, 'completed')
    expect((await deliver('msg_b')).status).toBe(204)
    const [done] = await t.database.db.select().from(fundings).where(eq(fundings.id, f!.id))
    expect(done!.state).toBe('completed')
    expect(done!.received).toBe(300n)
  })
})
