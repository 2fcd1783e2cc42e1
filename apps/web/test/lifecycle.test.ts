import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { eq } from 'drizzle-orm'
import { randomUUID } from 'node:crypto'
import { Agent, SAMPLE, jobFields, selectFundAndStart, signUp, startTestWeb, type TestWeb } from './helpers.ts'
import { makeWav } from './audio-fixtures.ts'
import { jobs, type Job } from '../src/jobs/model.ts'
import { payouts } from '../src/payouts/model.ts'
import { fundings } from '../src/funding/model.ts'
import { applications } from '../src/applications/model.ts'
import { submissions } from '../src/submissions/model.ts'
import { notices } from '../src/notices/model.ts'
import { audioClips } from '../src/audio/model.ts'
import { idempotencyKeys } from '../src/outbox/model.ts'
import { users } from '../src/domain/user.ts'

let t: TestWeb
async function jobByTitle(title: string): Promise<Job> {
  const [job] = await t.database.db.select().from(jobs).where(eq(jobs.title, title))
  return job!
}
const userId = async (username: string) => (await t.database.db.select().from(users).where(eq(users.username, username)))[0]!.id

beforeAll(async () => {
  t = await startTestWeb()
})
afterAll(() => t.close())

describe('a job from draft to complete, with funding, payouts and a refund', () => {
  const funder = () => new Agent(t.baseUrl)
  let owner: Agent
  let maria: Agent
  let carlos: Agent
  let ana: Agent
  let job: Job

  test('create a draft, then publish it', async () => {
    owner = funder()
    await owner.register('funder1', 'funder')
    const draft = await owner.postMultipart('/jobs', jobFields({ title: 'Lifecycle', action: 'draft' }))
    expect(draft.status).toBe(303)
    job = await jobByTitle('Lifecycle')
    expect(job.state).toBe('draft')
    expect(job.amountPerPerson).toBe(1250n)
    const published = await owner.post(`/jobs/${job.id}/publish`)
    expect(published.location).toBe(`/jobs/${job.id}?ok=published`)
    expect((await jobByTitle('Lifecycle')).state).toBe('recruiting')
    const browse = await new Agent(t.baseUrl).get('/jobs?language=nah')
    expect(browse.html).toContain('Lifecycle')
  })

  test('the job form says what is wrong, in the user language', async () => {
    const cases: [Record<string, string | string[]>, string][] = [
      [{ deliverableTypes: [] }, 'Elija al menos un tipo de entrega'],
      [{ amount: '12.345' }, 'El monto no es válido.'],
      [{ title: ' ' }, 'Escriba un título y una descripción.'],
      [{ maxResponses: '0' }, 'Los números deben ser enteros'],
      [{ recruitDeadline: '2001-01-01' }, 'Las fechas no son válidas']
    ]
    for (const [fields, message] of cases) {
      const res = await owner.postMultipart('/jobs', jobFields({ title: 'Bad', ...fields }))
      expect(res.status).toBe(422)
      expect(res.html).toContain(message)
    }
  })

  test('apply once, never to your own job; the recruit limit closes applications at once', async () => {
    ;[maria, carlos, ana] = await signUp(t.baseUrl, ['maria1', 'creator'], ['carlos1', 'creator'], ['ana1', 'creator'])
    expect((await owner.postMultipart(`/jobs/${job.id}/apply`, { note: 'mine' })).status).toBe(403)
    expect((await maria.postMultipart(`/jobs/${job.id}/apply`, { note: 'Hablo náhuatl', audio: SAMPLE.mp3 })).status).toBe(303)
    const again = await maria.postMultipart(`/jobs/${job.id}/apply`, { note: 'again' })
    expect(again.status).toBe(409)
    expect(again.html).toContain('Ya envió una solicitud')
    // Hide-applied filter.
    expect((await maria.get('/jobs?hideApplied=1')).html).not.toContain('Lifecycle')
    expect((await maria.get('/jobs')).html).toContain('Lifecycle')
    await carlos.postMultipart(`/jobs/${job.id}/apply`, { note: 'yo también' })
    expect((await jobByTitle('Lifecycle')).state).toBe('recruiting')
    await ana.postMultipart(`/jobs/${job.id}/apply`, { note: 'y yo' })
    expect((await jobByTitle('Lifecycle')).state).toBe('selecting')
  })

  test('the owner selects and rejects; the work cannot start before escrow holds the money', async () => {
    const page = await owner.get(`/jobs/${job.id}`)
    const ids = [...page.html.matchAll(/data-application="([^"]+)"/g)].map((m) => m[1]!)
    expect(ids).toHaveLength(3)
    for (const id of ids.slice(0, 2)) expect((await owner.post(`/applications/${id}/decide`, { state: 'selected' })).status).toBe(303)
    // Two people wanted: a third selection is refused.
    expect((await owner.post(`/applications/${ids[2]!}/decide`, { state: 'selected' })).status).toBe(409)
    await owner.post(`/applications/${ids[2]!}/decide`, { state: 'rejected' })
    // Nobody works on money that is not there: escrow is empty, so the work cannot start yet.
    const refused = await owner.post(`/jobs/${job.id}/start`)
    expect(refused.status).toBe(409)
    expect(refused.html).toContain('data-error="underfunded"')
    expect(refused.html).toContain(`href="/jobs/${job.id}#funding"`)
    expect((await jobByTitle('Lifecycle')).state).toBe('selecting')
  })

  test('funding: quote shown, status re-read, the job counts as funded only when money arrived', async () => {
    const noWallet = await owner.post(`/jobs/${job.id}/funding`)
    expect(noWallet.status).toBe(422)
    await owner.postMultipart('/profile', { displayName: 'Funder', walletAddress: 'https://wallet.test/funder1', roles: 'funder', preferredLanguage: 'es' })
    t.payments.fee = 30n
    // Each payout costs escrow 0.20 (the fake's payout fee quote): the funder pays it with the pay.
    t.payments.payoutFee = 20n
    const start = await owner.post(`/jobs/${job.id}/funding`)
    expect(start.status).toBe(303)
    const [f] = await t.database.db.select().from(fundings).where(eq(fundings.jobId, job.id))
    expect(f!.state).toBe('awaiting_consent')
    expect(f!.requested).toBe(2540n)
    expect(f!.payoutFeeReserve).toBe(40n)
    // A second click does not start a second payment.
    await owner.post(`/jobs/${job.id}/funding`)
    expect(await t.database.db.select().from(fundings).where(eq(fundings.jobId, job.id))).toHaveLength(1)
    const page = await owner.get(start.location!)
    expect(page.html).toContain('25.70 MXN') // debit, fee included
    expect(page.html).toMatch(/data-funding-fee-reserve[^>]*>\$0.40 MXN/)
    expect(page.html).toMatch(/data-funding-for-creators[^>]*>\$25.00 MXN/)
    expect(page.html).toContain('0.30 MXN') // fee
    expect(page.html).toContain(f!.pendingId!)
    expect(page.html).toContain(`http://wallet.test/consent/${f!.pendingId}`)
    const status1 = await owner.get(`/jobs/${job.id}/funding/${f!.id}/status`)
    expect(JSON.parse(status1.html)).toMatchObject({ state: 'awaiting_consent', final: false })
    t.payments.settle(f!.pendingId!, 'completed')
    const status2 = await owner.get(`/jobs/${job.id}/funding/${f!.id}/status`)
    expect(JSON.parse(status2.html)).toMatchObject({ state: 'completed', final: true })
    const ledger = await t.web.services.payouts.ledger(job)
    expect(ledger.funded).toBe(2540n)
    expect(ledger.fees).toBe(30n)
    expect(ledger.feeReserve).toBe(40n)
    // Paid: the box no longer asks to approve and pay, and everyone sees the money in escrow.
    const after = await owner.get(`/jobs/${job.id}`)
    expect(after.html).not.toContain(`http://wallet.test/consent/${f!.pendingId}`)
    expect(after.html).toContain('data-escrow="funded"')
    expect(after.html).toMatch(/data-held="2540"/)
    expect((await maria.get(`/jobs/${job.id}`)).html).toContain('data-escrow="funded"')
    // Now the work starts.
    expect((await owner.post(`/jobs/${job.id}/start`)).status).toBe(303)
    const started = await jobByTitle('Lifecycle')
    expect(started.state).toBe('submitting')
    expect(started.submitDeadline!.getTime()).toBeGreaterThan(Date.now() + 2.9 * 86_400_000)
  })

  test('selected creators draft, preview and submit only the asked deliverables', async () => {
    const wrong = await maria.postMultipart(`/jobs/${job.id}/submission`, { text: '', image: SAMPLE.png, action: 'submit' })
    expect(wrong.status).toBe(422)
    const empty = await maria.postMultipart(`/jobs/${job.id}/submission`, { text: '', action: 'submit' })
    expect(empty.status).toBe(422)
    await maria.postMultipart(`/jobs/${job.id}/submission`, { text: 'In tlahtolli', action: 'draft' })
    expect((await maria.get(`/jobs/${job.id}`)).html).toContain('In tlahtolli')
    expect((await maria.postMultipart(`/jobs/${job.id}/submission`, { text: 'In tlahtolli', audio: SAMPLE.mp3, action: 'submit' })).status).toBe(303)
    expect((await maria.postMultipart(`/jobs/${job.id}/submission`, { text: 'x', action: 'submit' })).status).toBe(409)
    // Ana was not selected.
    expect((await ana.postMultipart(`/jobs/${job.id}/submission`, { text: 'x', action: 'submit' })).status).toBe(403)
    await carlos.postMultipart(`/jobs/${job.id}/submission`, { text: 'Carlos', action: 'submit' })
    expect((await jobByTitle('Lifecycle')).state).toBe('reviewing')
  })

  test('accepting pays the creator from escrow exactly once', async () => {
    await maria.postMultipart('/profile', { displayName: 'María', walletAddress: 'https://wallet.test/maria1', roles: 'creator', preferredLanguage: 'es' })
    const page = await owner.get(`/jobs/${job.id}`)
    const subs = [...page.html.matchAll(/data-submission="([^"]+)"/g)].map((m) => m[1]!)
    expect(subs).toHaveLength(2)
    expect((await owner.post(`/submissions/${subs[0]!}/accept`)).status).toBe(303)
    expect((await owner.post(`/submissions/${subs[0]!}/accept`)).status).toBe(409)
    await t.web.services.payouts.processDue()
    await t.web.services.payouts.processDue()
    const rows = await t.database.db.select().from(payouts).where(eq(payouts.jobId, job.id))
    expect(rows).toHaveLength(1)
    expect(rows[0]!.reference).toBe(subs[0])
    expect(rows[0]!.state).toBe('sending')
    expect(t.payments.payoutsByReference.size).toBe(1)
    // Fixed receive: the creator gets exactly her pay; escrow pays the 0.20 fee from the reserve.
    expect(rows[0]).toMatchObject({ amount: 1250n, debited: 1270n })
    t.payments.settlePayout(rows[0]!.remoteId!, 'completed')
    await t.web.services.payouts.processDue()
    const ledger = await t.web.services.payouts.ledger(job)
    expect(ledger.paidOut).toBe(1250n)
    expect(ledger.payoutFees).toBe(20n)
    expect(ledger.held).toBe(2540n - 1270n)
    expect(ledger.funded).toBe(ledger.paidOut + ledger.refunded + ledger.payoutFees + ledger.held)
    // The creator sees the payout; "My money" counts it.
    expect((await maria.get(`/jobs/${job.id}`)).html).toContain('data-payout-state="completed"')
    const mine = (await maria.get('/dashboard/money')).html
    expect(mine).toMatch(/data-money="earned"[^>]*>\$12.50 MXN/)
    expect(mine).toMatch(/data-money="fees"[^>]*>\$0.00 MXN/)
    // Each payment listed, with its exact amount; the payout's fee is the funder's, not hers.
    expect(mine).toMatch(/data-money-entry="payout"[^]*?data-money-amount[^>]*>\$12.50 MXN/)
    const owners = (await owner.get('/dashboard/money')).html
    expect(owners).toMatch(/data-money="spent"[^>]*>\$25.40 MXN/)
    expect(owners).toMatch(/data-money-entry="funding"[^]*?data-money-amount[^>]*>\$25.40 MXN[^]*?data-money-fee[^>]*>\$0.30 MXN/)
    expect((await maria.post(`/submissions/${subs[0]!}/complete`)).status).toBe(303)
  })

  test('edit only while draft or recruiting; duplicate makes a new draft', async () => {
    const edit = await owner.get(`/jobs/${job.id}/edit`)
    expect(edit.status).toBe(409)
    const dup = await owner.post(`/jobs/${job.id}/duplicate`)
    expect(dup.status).toBe(303)
    const copyId = /\/jobs\/([0-9a-f-]+)\/edit/.exec(dup.location!)![1]!
    const [copy] = await t.database.db.select().from(jobs).where(eq(jobs.id, copyId))
    expect(copy).toMatchObject({ title: 'Lifecycle', state: 'draft', amountPerPerson: 1250n })
    const form = await owner.get(`/jobs/${copyId}/edit`)
    expect(form.html).toContain('value="12.50"')
    const saved = await owner.postMultipart(`/jobs/${copyId}/edit`, jobFields({ title: 'Lifecycle copy', amount: '20', action: 'draft' }))
    expect(saved.status).toBe(303)
    const [edited] = await t.database.db.select().from(jobs).where(eq(jobs.id, copyId))
    expect(edited).toMatchObject({ title: 'Lifecycle copy', state: 'draft', amountPerPerson: 2000n })
    // The original job's applicants cannot see the copy while it is a draft.
    expect((await maria.get(`/jobs/${copyId}`)).status).toBe(404)
    expect((await owner.post(`/jobs/${copyId}/cancel`)).status).toBe(303)
    expect((await owner.post(`/jobs/${copyId}/cancel`)).status).toBe(409)
  })

  test('completing the job refunds what escrow still holds', async () => {
    // The confirmation quotes the refund's own fee first (fixed send) and says what arrives: converted when the
    // funder's wallet holds another asset; said plainly when the fee cannot be asked now.
    const confirm = async () => (await owner.get(`/jobs/${job.id}/complete`)).html
    expect(await confirm()).toContain('Lo que queda libre en el depósito, $12.70 MXN, vuelve a su billetera. La billetera del depósito se queda $0.20 MXN de comisión por enviarlo, así que a su billetera llegan $12.50 MXN.')
    t.payments.walletAssets.set('https://wallet.test/funder1', { assetCode: 'USD', assetScale: 2 })
    expect(await confirm()).toContain('se queda $0.20 MXN de comisión por enviarlo; su billetera está en USD, así que el resto ($12.50 MXN) llega convertido')
    t.payments.walletAssets.clear()
    t.payments.unreachable = true
    expect(await confirm()).toContain('Las billeteras cobran una comisión por enviarlo, que sale de esa cantidad (no pudimos preguntar cuánto ahora).')
    t.payments.unreachable = false
    expect((await owner.post(`/jobs/${job.id}/complete`)).status).toBe(303)
    await t.web.services.payouts.processDue()
    const refund = (await t.database.db.select().from(payouts).where(eq(payouts.jobId, job.id))).find((p) => p.kind === 'refund')!
    // What escrow holds goes back, the unspent fee reserve with it; the refund's own fee comes out of it.
    expect(refund.amount).toBe(1270n)
    t.payments.settlePayout(refund.remoteId!, 'completed')
    await t.web.services.payouts.processDue()
    const ledger = await t.web.services.payouts.ledger(job)
    expect(ledger).toMatchObject({ funded: 2540n, paidOut: 1250n, refunded: 1250n, payoutFees: 40n, held: 0n })
    expect((await owner.get(`/jobs/${job.id}`)).html).toContain('data-ledger-balanced="true"')
  })
})

// The offline queue's retries (outbox/): its own people and job, after the story above.
describe('idempotency keys: a form sent again with its key does nothing new (the offline queue)', () => {
  let owner: Agent
  let other: Agent
  let creator: Agent
  beforeAll(async () => {
    ;[owner, other, creator] = await signUp(t.baseUrl, ['idem_owner', 'funder'], ['idem_other', 'both'], ['idem_creator', 'creator'])
  })

  test('submission, application and audio contribution: the retry answers as the first; another person is refused', async () => {
    await owner.postMultipart('/jobs', jobFields({ title: 'Retried job', recruitLimit: '1', maxResponses: '1', submitLimit: '1', deliverableTypes: ['audio'] }))
    const job = (await t.database.db.select().from(jobs).where(eq(jobs.title, 'Retried job')))[0]!.id
    // Applying: the same key twice at once (a double tap) is one application; the second waits for the first's answer.
    const applyKey = randomUUID()
    const send = () => creator.postMultipart(`/jobs/${job}/apply`, { note: 'hola', audio: SAMPLE.mp3, idempotencyKey: applyKey })
    await creator.get(`/jobs/${job}`) // the form's CSRF token first, so that the two posts carry the same one
    const [applied, again] = await Promise.all([send(), send()])
    expect([applied.status, again.status]).toEqual([303, 303])
    expect(again.location).toBe(applied.location)
    expect(await t.database.db.select().from(applications).where(eq(applications.jobId, job))).toHaveLength(1)
    // Without the key the same retry is told it applied already: the key is what makes a retry safe.
    expect((await creator.postMultipart(`/jobs/${job}/apply`, { note: 'hola' })).status).toBe(409)
    // The same key from another person, or for another form, is refused and does nothing.
    const stolen = await other.postMultipart(`/jobs/${job}/apply`, { note: 'mine', idempotencyKey: applyKey })
    expect(stolen.status).toBe(409)
    expect(stolen.html).toContain('data-error="idempotency_key_used"')
    expect(await t.database.db.select().from(applications).where(eq(applications.jobId, job))).toHaveLength(1)
    expect((await other.postMultipart(`/jobs/${job}/apply`, { note: 'mine', idempotencyKey: 'not-a-key' })).status).toBe(422)

    expect((await selectFundAndStart(t, owner, job, 'https://wallet.test/owner')).started.status).toBe(303)
    // Submitting: the answer was lost and the phone sends it again; one submission, one notice to the owner.
    const key = randomUUID()
    const first = await creator.postMultipart(`/jobs/${job}/submission`, { audio: SAMPLE.mp3, action: 'submit', idempotencyKey: key })
    const retry = await creator.postMultipart(`/jobs/${job}/submission`, { audio: SAMPLE.mp3, action: 'submit', idempotencyKey: key })
    expect([first.status, retry.status]).toEqual([303, 303])
    expect(retry.location).toBe(first.location)
    expect(first.location).toContain('ok=submitted')
    const rows = await t.database.db.select().from(submissions).where(eq(submissions.jobId, job))
    expect(rows.map((r) => r.state)).toEqual(['submitted'])
    const told = await t.database.db.select().from(notices).where(eq(notices.kind, 'submission_received'))
    expect(told.filter((n) => JSON.stringify(n).includes(job))).toHaveLength(1)
    // A refusal releases its key: nothing was done, so the same key is judged again (and refused again).
    const late = randomUUID()
    expect((await creator.postMultipart(`/jobs/${job}/submission`, { audio: SAMPLE.mp3, action: 'submit', idempotencyKey: late })).status).toBe(409)
    expect(await t.database.db.select().from(idempotencyKeys).where(eq(idempotencyKeys.key, late))).toHaveLength(0)

    // A community recording sent twice with one key is one clip.
    const clipKey = randomUUID()
    const wav = makeWav(1, { sampleRate: 8000, frequency: 440 })
    const sent = await creator.postMultipart('/audio/contribute', { target: 'nav.jobs', language: 'es', audio: wav, idempotencyKey: clipKey })
    const resent = await creator.postMultipart('/audio/contribute', { target: 'nav.jobs', language: 'es', audio: wav, idempotencyKey: clipKey })
    expect([sent.status, resent.status]).toEqual([303, 303])
    expect(resent.location).toBe(sent.location)
    expect(await t.database.db.select().from(audioClips).where(eq(audioClips.contributorId, await userId('idem_creator')))).toHaveLength(1)
  })
})
