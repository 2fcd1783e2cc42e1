/**
 * Notices (issue 10): every event that matters to a person lands once in their inbox, in the event's
 * own transaction, and by email through a real SMTP server (`smtp-server`) when they gave an address.
 * The inbox is private to its person. The outbox across restarts and SMTP's configuration:
 * notices-email.test.ts.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { eq, sql } from 'drizzle-orm'
import { createTestClock, queryRows } from '@voces/platform'
import { Agent, jobFields, signUp, startTestWeb, type TestWeb } from './helpers.ts'
import { startSmtpServer, type TestSmtp } from './smtp.ts'
import { noticeEmails, notices, type Notice } from '../src/notices/model.ts'
import { jobs, type Job } from '../src/jobs/model.ts'
import { fundings } from '../src/funding/model.ts'
import { payouts } from '../src/payouts/model.ts'
import { users } from '../src/domain/user.ts'

const clock = createTestClock()
let smtp: TestSmtp
let t: TestWeb
let owner: Agent
let maria: Agent
let carlos: Agent

beforeAll(async () => {
  smtp = await startSmtpServer()
  t = await startTestWeb({ smtp: { url: smtp.url, from: 'Voces Market <avisos@voces.test>' } }, { clock })
  ;[owner, maria, carlos] = await signUp(t.baseUrl, ['notice_funder', 'funder'], ['notice_maria', 'creator'], ['notice_carlos', 'creator'])
  const profile = (name: string, email: string, role: string) => ({ displayName: name, walletAddress: `https://wallet.test/${role}-${email}`, email, roles: role, preferredLanguage: 'es' })
  expect((await owner.postMultipart('/profile', profile('Funder', 'funder@voces.test', 'funder'))).status).toBe(303)
  expect((await maria.postMultipart('/profile', profile('María', 'maria@voces.test', 'creator'))).status).toBe(303)
  // Carlos gives no address: his notices stay in the inbox only.
  expect((await carlos.postMultipart('/profile', profile('Carlos', '', 'creator'))).status).toBe(303)
})
afterAll(async () => {
  await t?.close()
  await smtp?.close()
})

const db = () => t.database.db

async function noticesOf(username: string): Promise<Notice[]> {
  const rows = await db().select({ n: notices }).from(notices).innerJoin(users, eq(users.id, notices.userId)).where(eq(users.username, username)).orderBy(notices.createdAt)
  return rows.map((r) => r.n)
}
const kinds = async (username: string) => (await noticesOf(username)).map((n) => n.kind)

async function newJob(title: string, amount = '10.00', people = '1'): Promise<Job> {
  expect((await owner.postMultipart('/jobs', jobFields({ title, amount, maxResponses: people }))).status).toBe(303)
  const [job] = await db().select().from(jobs).where(eq(jobs.title, title))
  return job!
}

/** The owner pays escrow through the (fake) payments service; `outcome` is what the service reports. */
async function fund(job: Job, outcome: 'completed' | 'failed' = 'completed') {
  expect((await owner.post(`/jobs/${job.id}/funding`)).status).toBe(303)
  const [f] = await db().select().from(fundings).where(eq(fundings.jobId, job.id))
  t.payments.settle(f!.pendingId!, outcome, outcome === 'failed' ? 'insufficient_funds' : undefined)
  await t.web.services.fundings.refreshOpen()
  return f!
}

/** Runs the payout worker until every payout of the job was sent, then lets the wallets complete them. */
async function payOut(jobId: string) {
  await t.web.services.payouts.processDue(clock.now())
  for (const p of await db().select().from(payouts).where(eq(payouts.jobId, jobId))) t.payments.settlePayout(p.remoteId!, 'completed')
  await t.web.services.payouts.processDue(clock.now())
}

describe('the events of a job tell the right people once', () => {
  let job: Job

  test('the email in the profile is checked: a wrong one is refused in words and changes nothing', async () => {
    const bad = await maria.postMultipart('/profile', { displayName: 'María', walletAddress: 'https://wallet.test/creator-maria@voces.test', email: 'maria@', roles: 'creator', preferredLanguage: 'es' })
    expect(bad.status).toBe(422)
    expect(bad.html).toContain('Escriba un correo electrónico válido')
    expect(bad.html).toContain('value="maria@"')
    const [row] = await db().select().from(users).where(eq(users.username, 'notice_maria'))
    expect(row!.email).toBe('maria@voces.test')
  })

  test('applied, selected, work started and not selected, submission received, paid', async () => {
    job = await newJob('Cuento para avisos')
    await fund(job)
    expect((await maria.postMultipart(`/jobs/${job.id}/apply`, { note: 'Hablo náhuatl' })).status).toBe(303)
    expect((await carlos.postMultipart(`/jobs/${job.id}/apply`, { note: 'Yo también' })).status).toBe(303)
    expect(await kinds('notice_funder')).toEqual(['applied', 'applied'])

    const [application] = await queryRows<{ id: string }>(db(), sql`select a.id from web.applications a join web.users u on u.id = a.applicant_id where u.username = 'notice_maria'`)
    expect((await owner.post(`/applications/${application!.id}/decide`, { state: 'selected' })).status).toBe(303)
    // Chosen again after a reset: still one notice.
    await owner.post(`/applications/${application!.id}/decide`, { state: 'pending' })
    await owner.post(`/applications/${application!.id}/decide`, { state: 'selected' })
    expect((await owner.post(`/jobs/${job.id}/start`)).status).toBe(303)
    expect(await kinds('notice_maria')).toEqual(['selected', 'work_started'])
    expect(await kinds('notice_carlos')).toEqual(['not_selected'])

    expect((await maria.postMultipart(`/jobs/${job.id}/submission`, { text: 'In tlahtolli', action: 'submit' })).status).toBe(303)
    expect(await kinds('notice_funder')).toEqual(['applied', 'applied', 'submission_received'])

    const [submission] = await queryRows<{ id: string }>(db(), sql`select id from web.submissions where job_id = ${job.id}`)
    expect((await owner.post(`/submissions/${submission!.id}/accept`)).status).toBe(303)
    // Accepted is not paid: nothing is announced before the money moved.
    await t.web.services.payouts.processDue(clock.now())
    expect(await kinds('notice_maria')).toEqual(['selected', 'work_started'])
    await payOut(job.id)
    // Read again (a webhook, the scheduler): still one notice.
    const [payout] = await db().select().from(payouts).where(eq(payouts.jobId, job.id))
    await t.web.services.payouts.refresh(payout!.remoteId!)
    const mine = await noticesOf('notice_maria')
    expect(mine.map((n) => n.kind)).toEqual(['selected', 'work_started', 'paid'])
    expect(mine[2]!.link).toBe(`/jobs/${job.id}`)

    const inbox = (await maria.get('/notices')).html
    expect(inbox).toContain('Llegaron $10.00 MXN a su billetera por «Cuento para avisos».')
    expect(inbox).toContain('El trabajo «Cuento para avisos» empezó: ya puede grabar y entregar.')
    expect(inbox).toContain(`data-speak="notices.item.${mine[2]!.id}"`)
    // Newest first.
    expect(inbox.indexOf(mine[2]!.id)).toBeLessThan(inbox.indexOf(mine[0]!.id))
  })

  test('funding failed and refunded tell the funder', async () => {
    const failing = await newJob('Pago que falla')
    const f = await fund(failing, 'failed')
    const failed = (await noticesOf('notice_funder')).filter((n) => n.kind === 'funding_failed')
    expect(failed).toHaveLength(1)
    expect(failed[0]!.link).toBe(`/jobs/${failing.id}?funding=${f.id}`)

    const canceled = await newJob('Trabajo cancelado con dinero', '7.50')
    await fund(canceled)
    expect((await owner.post(`/jobs/${canceled.id}/cancel`)).status).toBe(303)
    await payOut(canceled.id)
    const refunded = (await noticesOf('notice_funder')).filter((n) => n.kind === 'refunded')
    expect(refunded).toHaveLength(1)
    const html = (await owner.get('/notices')).html
    expect(html).toContain('Le devolvimos $7.50 MXN a su billetera del trabajo «Trabajo cancelado con dinero».')
    expect(html).toContain('Su pago para «Pago que falla» no se completó')
  })

  test('email: one message per notice to people who gave an address, with a Message-ID from the notice', async () => {
    const outbox = t.web.services.emails!
    while ((await outbox.processDue()) > 0);
    const funder = await noticesOf('notice_funder')
    const mariaNotices = await noticesOf('notice_maria')
    expect(smtp.received).toHaveLength(funder.length + mariaNotices.length)
    for (const n of [...funder, ...mariaNotices]) {
      const mails = smtp.received.filter((m) => m.messageId === `<notice-${n.id}@localhost>`)
      expect(mails).toHaveLength(1)
    }
    // Carlos gave no address: nothing was sent to him, his notice is in his inbox.
    expect(smtp.received.some((m) => m.to.some((a) => a.includes('carlos')))).toBe(false)
    const paid = mariaNotices.find((n) => n.kind === 'paid')!
    const mail = smtp.received.find((m) => m.messageId === `<notice-${paid.id}@localhost>`)!
    expect(mail.to).toEqual(['maria@voces.test'])
    expect(mail.subject).toBe('Voces Market: Llegaron $10.00 MXN a su billetera por «Cuento para avisos».')
    expect(mail.text).toContain(`${t.config.baseUrl}/jobs/${job.id}`)
    const [row] = await db().select().from(noticeEmails).where(eq(noticeEmails.id, paid.id))
    expect(row).toMatchObject({ state: 'sent', attempts: 1 })
    // Nothing is due any more: a second round sends nothing.
    expect(await outbox.processDue()).toBe(0)
    expect(smtp.received).toHaveLength(funder.length + mariaNotices.length)
  })

  test('an event repeated, or rolled back, leaves exactly what happened', async () => {
    const before = (await noticesOf('notice_funder')).length
    const [application] = await queryRows<{ id: string; applicant_id: string }>(db(), sql`select id, applicant_id from web.applications where job_id = ${job.id} limit 1`)
    const app = { id: application!.id, applicantId: application!.applicant_id }
    for (let i = 0; i < 2; i++) await db().transaction((tx) => t.web.services.tell.applied(tx, job, app))
    expect((await noticesOf('notice_funder')).length).toBe(before)
    await expect(
      db().transaction(async (tx) => {
        await t.web.services.tell.applicationWithdrawn(tx, job, app)
        throw new Error('the event failed')
      })
    ).rejects.toThrow('the event failed')
    expect((await noticesOf('notice_funder')).length).toBe(before)
  })
})

describe('the inbox is private, read when opened, and paged', () => {
  test('the header counts unread notices, with a speaker saying it in words', async () => {
    const n = (await noticesOf('notice_maria')).filter((x) => !x.readAt).length
    const home = (await maria.get('/')).html
    expect(home).toContain(`data-unread="${n}"`)
    expect(home).toContain(`aria-label="Escuchar: ${n} avisos nuevos"`)
    const anonymous = (await new Agent(t.baseUrl).get('/')).html
    expect(anonymous).not.toContain('href="/notices"')
  })

  test('another person gets 404 for my notice and never sees it or my count', async () => {
    const [mine] = await noticesOf('notice_maria')
    const opened = await carlos.post(`/notices/${mine!.id}/open`)
    expect(opened.status).toBe(404)
    expect((await noticesOf('notice_maria'))[0]!.readAt).toBeNull()
    expect((await carlos.post('/notices/not-a-uuid/open')).status).toBe(404)
    const list = (await carlos.get('/notices')).html
    expect(list).not.toContain(mine!.id)
    expect(list).toContain('data-unread="1"')
    // Signed out: to the login page; without the CSRF token: refused.
    expect((await new Agent(t.baseUrl).get('/notices')).location).toMatch(/^\/login/)
    expect((await maria.post(`/notices/${mine!.id}/open`, { _csrf: '' })).status).toBe(403)
    expect((await noticesOf('notice_maria'))[0]!.readAt).toBeNull()
  })

  test('opening a notice marks it read and leads to what it is about; "mark all read" empties the count', async () => {
    const all = await noticesOf('notice_maria')
    const opened = await maria.post(`/notices/${all[0]!.id}/open`)
    expect(opened.status).toBe(303)
    expect(opened.location).toBe(all[0]!.link)
    expect((await noticesOf('notice_maria'))[0]!.readAt).not.toBeNull()
    expect((await maria.get('/')).html).toContain(`data-unread="${all.length - 1}"`)
    expect((await maria.post('/notices/read-all')).status).toBe(303)
    const after = (await maria.get('/notices')).html
    expect(after).not.toContain('data-unread=')
    expect(after).toContain('No tiene avisos nuevos')
    expect(after).not.toContain('action="/notices/read-all"')
  })

  test('pages of 20, newest first', async () => {
    const [carlosRow] = await db().select().from(users).where(eq(users.username, 'notice_carlos'))
    for (let i = 0; i < 25; i++) {
      clock.advance(1000)
      await db().transaction((tx) =>
        t.web.services.notices.notify(tx, { userId: carlosRow!.id, kind: 'applied', params: { title: `Aviso ${i}`, name: 'X' }, link: '/jobs', dedupeKey: `page-test:${i}` })
      )
    }
    const first = (await carlos.get('/notices')).html
    expect(first.match(/data-notice="/g)).toHaveLength(20)
    // Every control carries the slug its recording attaches to (or is a speaker).
    const controls = first.match(/<(a|button|select|textarea|input)\b[^>]*>/g) ?? []
    expect(controls.filter((tag) => !/type="hidden"/.test(tag) && !/data-audio-slug=|data-speak=/.test(tag))).toEqual([])
    expect(first.indexOf('Aviso 24')).toBeLessThan(first.indexOf('Aviso 23'))
    expect(first).toContain('href="/notices?page=2"')
    const second = (await carlos.get('/notices?page=2')).html
    expect(second.match(/data-notice="/g)).toHaveLength(6)
    expect(second).toContain('Aviso 0')
    expect(second).not.toContain('href="/notices?page=3"')
    expect((await carlos.get('/notices?page=abc')).status).toBe(200)
  })
})
