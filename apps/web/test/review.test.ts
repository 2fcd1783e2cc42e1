/**
 * Reviews and disputes against the real payments service and sandbox wallet, over HTTP, on a real
 * database, with the web app's clock moved by hand (no sleeps): changes requested → resubmitted →
 * accepted; a decline needs a reason; auto-release after the review window (told 2 days ahead) pays
 * exactly once with two workers and the funder's Accept racing; disputes freeze the person's share and
 * are decided each of the three ways (two admins racing on one), with the job's ledger balancing and
 * every figure equal to the sandbox's balances.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { and, eq } from 'drizzle-orm'
import { createLogger, createTestClock, formatMinorUnits } from '@voces/platform'
import { visit, waitFor } from '../../../services/payments/test/harness.ts'
import { Agent, SAMPLE, jobFields } from './helpers.ts'
import { sandboxFee, usd, startFullStack, type FullStack } from './full-stack.ts'
import { jobs, type Job } from '../src/jobs/model.ts'
import { fundings } from '../src/funding/model.ts'
import { payouts, type Payout } from '../src/payouts/model.ts'
import { submissions, type Submission } from '../src/submissions/model.ts'
import { applications } from '../src/applications/model.ts'
import { users } from '../src/domain/user.ts'
import { createAutoRelease } from '../src/submissions/auto-release.ts'
import { setAdmin } from '../src/pages/admin/set-admin.ts'

const DAY = 86_400_000
const clock = createTestClock()
let stack: FullStack
/** Money's rules (docs/payments.md): the funder pays each person's pay plus escrow's payout fee for it (a reserve). */
const PAY = 10_00n
const RESERVE = sandboxFee(PAY)
const SHARE = PAY + RESERVE
const FUNDED = 5n * SHARE

beforeAll(async () => {
  stack = await startFullStack({ connectEscrow: true, clock })
}, 240_000)
afterAll(() => stack?.close())

const db = () => stack.database.db
async function sub(id: string): Promise<Submission> {
  return (await db().select().from(submissions).where(eq(submissions.id, id)))[0]!
}
async function payoutsOf(jobId: string): Promise<Payout[]> {
  return db().select().from(payouts).where(eq(payouts.jobId, jobId)).orderBy(payouts.createdAt)
}
/** Sends what is due until nothing of the job is pending or sending. */
async function settlePayouts(jobId: string): Promise<Payout[]> {
  return waitFor(
    async () => {
      await stack.web.services.payouts.processDue()
      return payoutsOf(jobId)
    },
    (rows) => rows.every((p) => p.state === 'completed' || p.state === 'failed'),
    120_000
  )
}

interface Creator {
  agent: Agent
  wallet: { name: string; url: string }
  submission: string
}

describe('reviews and disputes, with real money', () => {
  let owner: Agent
  let admin: Agent
  let job: Job
  let funderWallet: { name: string; url: string }
  const creators: Creator[] = []
  let escrowBefore: bigint
  const fundingFee = sandboxFee(FUNDED)

  test('setup: a job for five, funded; one applicant withdraws and applies again, then is not chosen; five submit', async () => {
    const { h, base } = stack
    escrowBefore = await h.sandbox.admin.balance(h.seller.name)
    funderWallet = await h.buyer('USD', 100_00n)
    owner = new Agent(base)
    await owner.register('rev_funder', 'funder')
    await owner.postMultipart('/profile', { displayName: 'Funder', walletAddress: funderWallet.url, roles: 'funder', preferredLanguage: 'es' })
    await owner.postMultipart('/jobs', jobFields({ title: 'Review me', amount: '10.00', maxResponses: '5', recruitLimit: '7', submitLimit: '6', deliverableTypes: ['text'] }))
    job = (await db().select().from(jobs).where(eq(jobs.title, 'Review me')))[0]!
    await owner.post(`/jobs/${job.id}/funding`)
    const [f] = await db().select().from(fundings).where(eq(fundings.jobId, job.id))
    await owner.get((await visit(await h.sandbox.approveConsent(f!.paymentUrl!))).location!.slice(base.length))
    await waitFor(async () => (await db().select().from(fundings).where(eq(fundings.id, f!.id)))[0]!.state, (s) => s === 'completed', 30_000)
    // The escrow wallet priced the reserve: exactly its fee on one person's pay.
    expect((await db().select().from(jobs).where(eq(jobs.id, job.id)))[0]!.payoutFeePerPerson).toBe(RESERVE)
    expect((await stack.web.services.payouts.ledger(job)).funded).toBe(FUNDED)

    admin = new Agent(base)
    await admin.register('rev_admin', 'both')
    await setAdmin(db(), 'rev_admin', true)

    for (let i = 0; i < 6; i++) {
      const agent = new Agent(base)
      const wallet = await h.buyer('USD', 0n)
      await agent.register(`rev_creator${i}`, 'creator')
      await agent.postMultipart('/profile', { displayName: `Creadora ${i}`, walletAddress: wallet.url, roles: 'creator', preferredLanguage: 'es' })
      expect((await agent.postMultipart(`/jobs/${job.id}/apply`, { note: 'hola' })).status).toBe(303)
      creators.push({ agent, wallet, submission: '' })
    }
    const appOf = async (i: number) => {
      const rows = await db().select({ a: applications }).from(applications).innerJoin(users, eq(users.id, applications.applicantId)).where(and(eq(applications.jobId, job.id), eq(users.username, `rev_creator${i}`)))
      return rows[0]?.a
    }
    // Withdrawn before selection (only by the applicant), and applying again is possible.
    const sixth = (await appOf(5))!
    expect((await owner.post(`/applications/${sixth.id}/withdraw`)).status).toBe(404)
    expect((await creators[5]!.agent.post(`/applications/${sixth.id}/withdraw`)).location).toBe(`/jobs/${job.id}?ok=withdrawn`)
    expect(await appOf(5)).toBeUndefined()
    expect((await creators[5]!.agent.postMultipart(`/jobs/${job.id}/apply`, { note: 'otra vez' })).status).toBe(303)
    for (let i = 0; i < 5; i++) await owner.post(`/applications/${(await appOf(i))!.id}/decide`, { state: 'selected' })
    expect((await owner.post(`/jobs/${job.id}/start`)).status).toBe(303)
    // Not chosen once the work started: said so on her page; she can no longer withdraw.
    expect((await appOf(5))!.state).toBe('rejected')
    const page = (await creators[5]!.agent.get(`/jobs/${job.id}`)).html
    expect(page).toContain('data-not-chosen')
    expect(page).not.toContain('/withdraw')

    for (let i = 0; i < 5; i++) {
      const c = creators[i]!
      expect((await c.agent.postMultipart(`/jobs/${job.id}/submission`, { text: `Nican tlahtoa ${i}`, action: 'submit' })).status).toBe(303)
      c.submission = (await db().select().from(submissions).where(and(eq(submissions.jobId, job.id), eq(submissions.text, `Nican tlahtoa ${i}`))))[0]!.id
    }
  }, 240_000)

  test('a decline needs a reason; changes are asked with a spoken reason the creator hears; she resubmits, keeping her work; then accepted and paid', async () => {
    const a = creators[0]!
    // The decisions open a confirmation page first, saying what happens to the money.
    const confirm = await owner.get(`/submissions/${a.submission}/accept`)
    expect(confirm.html).toContain('Se pagan $10.00 USD del depósito a la billetera de Creadora 0')
    expect(confirm.html).toContain(`recibe exactamente eso. El depósito paga además la comisión del pago, ${usd(RESERVE)},`)
    expect(confirm.html).toContain(`action="/submissions/${a.submission}/accept"`)
    expect((await a.agent.get(`/submissions/${a.submission}/accept`)).status).toBe(404)
    const noReason = await owner.postMultipart(`/submissions/${a.submission}/decline`, { reason: '  ' })
    expect(noReason.status).toBe(422)
    expect(noReason.html).toContain('Diga por qué: escríbalo o grábelo.')
    expect((await sub(a.submission)).state).toBe('submitted')

    const sent = await owner.postMultipart(`/submissions/${a.submission}/changes`, { reason: 'Más despacio, por favor', reasonAudio: SAMPLE.mp3 })
    expect(sent.location).toBe(`/jobs/${job.id}?ok=changes_requested`)
    const back = await sub(a.submission)
    expect(back).toMatchObject({ state: 'changes_requested', reviewReason: 'Más despacio, por favor', changeRounds: 1, nextAttemptAt: null })
    // Her page shows the reason (words and recording) and the form again with her text kept.
    const mine = (await a.agent.get(`/jobs/${job.id}`)).html
    expect(mine).toContain('data-changes-requested')
    expect(mine).toContain('Más despacio, por favor')
    expect(mine).toContain(`/media/${back.reviewAudioId}`)
    expect(mine).toContain('Nican tlahtoa 0</textarea>')
    expect((await a.agent.get(`/media/${back.reviewAudioId}`)).status).toBe(200)
    expect((await creators[1]!.agent.get(`/media/${back.reviewAudioId}`)).status).toBe(404)
    // One round by default: no second request for changes on this work.
    expect((await a.agent.postMultipart(`/jobs/${job.id}/submission`, { text: 'Nican tlahtoa, despacio', action: 'submit' })).status).toBe(303)
    expect(await sub(a.submission)).toMatchObject({ state: 'submitted', text: 'Nican tlahtoa, despacio' })
    expect((await owner.postMultipart(`/submissions/${a.submission}/changes`, { reason: 'otra vez' })).status).toBe(409)
    expect((await owner.post(`/submissions/${a.submission}/accept`)).location).toBe(`/jobs/${job.id}?ok=accepted`)
  }, 180_000)

  test('disputes freeze that person\'s share: completing or refunding never takes it', async () => {
    const [, , c, d, e] = creators
    expect((await creators[1]!.agent.post(`/submissions/${c!.submission}/dispute`, { reason: 'x' })).status).toBe(404)
    const empty = await c!.agent.post(`/submissions/${c!.submission}/dispute`, { reason: ' ' })
    expect(empty.status).toBe(422)
    const form = await c!.agent.get(`/submissions/${c!.submission}/dispute`)
    expect(form.html).toContain('Los $10.00 USD de esta entrega se quedan congelados en el depósito')
    expect((await c!.agent.post(`/submissions/${c!.submission}/dispute`, { reason: 'No contestan' })).location).toBe(`/jobs/${job.id}?ok=dispute_opened`)
    await owner.postMultipart(`/submissions/${d!.submission}/decline`, { reason: 'No es náhuatl' })
    expect((await owner.post(`/submissions/${d!.submission}/dispute`, { reason: 'Otro idioma' })).status).toBe(303)
    expect((await e!.agent.post(`/submissions/${e!.submission}/dispute`, { reason: 'Hice la mitad' })).status).toBe(303)
    expect((await e!.agent.post(`/submissions/${e!.submission}/dispute`, { reason: 'otra' })).status).toBe(409)
    expect((await sub(c!.submission)).state).toBe('disputed')
    const ledger = await stack.web.services.payouts.ledger(job)
    // Each disputed share is the pay and its payout fee reserve.
    expect(ledger.frozen).toBe(3n * SHARE)
    // Held 5 shares: A's payout (in flight or done), 3 frozen, B's still to be decided.
    expect(ledger.available).toBe(SHARE)
  }, 120_000)

  test('auto-release: told 2 days ahead, then accepted and paid exactly once with two workers and the funder racing', async () => {
    const b = creators[1]!
    const release = createAutoRelease({
      db: db(),
      logger: createLogger({ level: 'silent' }),
      windowMs: stack.config.reviewWindowMs,
      pay: { onAccepted: stack.web.services.payouts.schedulePayout, escrowShortfall: stack.web.services.payouts.escrowShortfall },
      events: { onAutoReleaseSoon: async () => {}, onAutoReleased: async () => {} },
      clock
    })
    const worker = stack.web.services.autoRelease
    expect(await worker.tick(clock.now())).toBe(0)
    clock.advance(5 * DAY + 60_000)
    const [n1, n2] = await Promise.all([worker.tick(clock.now()), release.tick(clock.now())])
    expect(n1 + n2).toBe(1)
    const noticed = await sub(b.submission)
    expect(noticed.state).toBe('submitted')
    expect(noticed.releaseNoticeAt).not.toBeNull()
    expect(noticed.nextAttemptAt!.getTime()).toBe(noticed.submittedAt!.getTime() + 7 * DAY)
    expect((await owner.get(`/jobs/${job.id}`)).html).toContain('se acepta y se pagan $10.00 USD automáticamente')

    clock.advance(2 * DAY)
    const [r1, r2, accept] = await Promise.all([worker.tick(clock.now()), release.tick(clock.now()), owner.post(`/submissions/${b.submission}/accept`)])
    const released = await sub(b.submission)
    expect(released.state).toBe('accepted')
    // Either a worker released it (and the funder's late click was refused), or the funder was first.
    expect(r1 + r2 + (accept.status === 303 ? 1 : 0)).toBe(1)
    expect((await payoutsOf(job.id)).filter((p) => p.reference === b.submission)).toHaveLength(1)
    expect(await worker.tick(clock.now())).toBe(0)
  }, 180_000)

  test('an admin decides each dispute — release, refund, split — with a confirmation; two admins racing decide once', async () => {
    const [, , c, d, e] = creators
    const other = new Agent(stack.base)
    await other.register('rev_admin2', 'both')
    await setAdmin(db(), 'rev_admin2', true)
    expect((await owner.get('/admin/disputes')).status).toBe(404)
    const list = (await admin.get('/admin/disputes')).html
    const ids = [...list.matchAll(/data-dispute="([^"]+)" data-dispute-state="open"/g)].map((m) => m[1]!)
    expect(ids).toHaveLength(3)
    const disputeOf = async (submissionId: string) => (await stack.web.services.disputes.forSubmission(submissionId))!.id
    const [dc, dd, de] = [await disputeOf(c!.submission), await disputeOf(d!.submission), await disputeOf(e!.submission)]
    expect(new Set(ids)).toEqual(new Set([dc, dd, de]))
    const decidePage = (await admin.get(`/admin/disputes/${dc}`)).html
    expect(decidePage).toContain(`Decida a dónde van los $10.00 USD congelados y la reserva de ${usd(RESERVE)} para la comisión de pago.`)
    expect(decidePage).toContain(`Devolver todo a quien pagó (${usd(SHARE)})`)
    // Nothing moves without the confirmation box; a split must be within the pay.
    expect((await admin.post(`/admin/disputes/${dc}/decide`, { decision: 'release' })).status).toBe(422)
    expect((await admin.post(`/admin/disputes/${de}/decide`, { decision: 'split', amount: '10.00', confirm: 'yes' })).status).toBe(422)
    expect((await stack.web.services.disputes.forSubmission(c!.submission))!.state).toBe('open')

    expect((await admin.post(`/admin/disputes/${dc}/decide`, { decision: 'release', confirm: 'yes' })).status).toBe(303)
    expect((await admin.post(`/admin/disputes/${dd}/decide`, { decision: 'refund', confirm: 'yes' })).status).toBe(303)
    const race = await Promise.all([
      admin.post(`/admin/disputes/${de}/decide`, { decision: 'split', amount: '4.00', confirm: 'yes' }),
      other.post(`/admin/disputes/${de}/decide`, { decision: 'release', confirm: 'yes' })
    ])
    expect(race.map((r) => r.status).sort()).toEqual([303, 409])
    expect(await sub(c!.submission)).toMatchObject({ state: 'accepted' })
    expect(await sub(d!.submission)).toMatchObject({ state: 'declined' })
    const eDispute = (await stack.web.services.disputes.forSubmission(e!.submission))!
    const eRows = (await payoutsOf(job.id)).filter((p) => p.reference === e!.submission)
    expect(eRows).toHaveLength(1)
    expect(eRows[0]!.amount).toBe(eDispute.creatorAmount)
    // Refunds (fixed send) return the rest of each share: all of D's, and of E's what her payout (her part plus its fee) leaves.
    const toE = eDispute.creatorAmount!
    const refunds = (await payoutsOf(job.id)).filter((p) => p.kind === 'refund').map((p) => p.amount)
    expect(refunds).toEqual(toE === PAY ? [SHARE] : [SHARE, SHARE - toE - sandboxFee(toE)])
    // The race decided E's part: the split's 4.00, or her whole pay when the release came first.
    const splitWon = race[0]!.status === 303
    expect(toE).toBe(splitWon ? 4_00n : PAY)
    // A split's payout fee was quoted by the escrow wallet: what it takes from escrow is known at once (a
    // release's only once the payout is sent).
    expect(splitWon ? [toE + sandboxFee(toE)] : [null, PAY + sandboxFee(PAY)]).toContain(eRows[0]!.debited)
  }, 120_000)

  test('every payout and refund arrives once; the ledger balances and equals the sandbox balances', async () => {
    const { h } = stack
    // The disputes' refunds already returned what was free: completing has nothing more to refund, and says so.
    expect((await owner.get(`/jobs/${job.id}/complete`)).html).toContain('No queda dinero libre en el depósito para devolver.')
    expect((await owner.post(`/jobs/${job.id}/complete`)).status).toBe(303)
    const rows = await settlePayouts(job.id)
    expect(rows.every((p) => p.state === 'completed')).toBe(true)
    const e = (await stack.web.services.disputes.forSubmission(creators[4]!.submission))!
    const toE = e.creatorAmount!
    // Fixed receive: each creator's wallet holds exactly what she was promised; escrow paid the fees.
    const expected = [PAY, PAY, PAY, 0n, toE]
    for (let i = 0; i < 5; i++) expect(await h.sandbox.admin.balance(creators[i]!.wallet.name), `creator ${i}`).toBe(expected[i])
    const creatorPayouts = rows.filter((p) => p.kind === 'payout')
    expect(creatorPayouts.map((p) => [p.received, p.fee])).toEqual(expected.filter((v) => v > 0n).map((v) => [v, sandboxFee(v)]))
    // Refunds are fixed send: each one's fee comes out of what the funder gets back.
    const refunds = rows.filter((p) => p.kind === 'refund')
    expect(refunds.map((p) => p.amount)).toEqual(toE === PAY ? [SHARE] : [SHARE, SHARE - toE - sandboxFee(toE)])
    const refundedToWallet = refunds.reduce((s, p) => s + (p.amount - sandboxFee(p.amount)), 0n)
    const fees = [...creatorPayouts.map((p) => sandboxFee(p.amount)), ...refunds.map((p) => sandboxFee(p.amount))].reduce((a, b) => a + b, 0n)
    const ledger = await stack.web.services.payouts.ledger(job)
    const paidOut = 3n * PAY + toE
    expect(ledger).toMatchObject({ funded: FUNDED, feeReserve: 5n * RESERVE, paidOut, refunded: refundedToWallet, payoutFees: fees, held: 0n, inFlight: 0n, frozen: 0n, available: 0n })
    expect(ledger.funded).toBe(ledger.paidOut + ledger.refunded + ledger.payoutFees + ledger.held)
    expect(await h.sandbox.admin.balance(funderWallet.name)).toBe(100_00n - FUNDED - fundingFee + refundedToWallet)
    expect(await h.sandbox.admin.balance(h.seller.name)).toBe(escrowBefore)
    expect((await owner.get(`/jobs/${job.id}`)).html).toContain('data-ledger-balanced="true"')
    // Whichever admin was first decided it: a split of 4.00, or all of it released.
    expect(['4.00', '10.00']).toContain(formatMinorUnits(toE, 2))
  }, 240_000)
})
