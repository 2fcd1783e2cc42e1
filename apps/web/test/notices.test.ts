/**
 * Notices (issue 10): every event that matters to a person lands once in their inbox, in the event's
 * own transaction, and by email through a real SMTP server (`smtp-server`) when they gave an address —
 * once, also across a restart in the middle of the outbox. The inbox is private to its person.
 */
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest'
import { and, eq, sql } from 'drizzle-orm'
import { createLogger, createTestClock, queryRows, type Database } from '@voces/platform'
import { Agent, jobFields, startTestWeb, type TestWeb } from './helpers.ts'
import { startSmtpServer, type TestSmtp } from './smtp.ts'
import { buildWebApp, type WebApp } from '../src/app.ts'
import { loadWebConfig, testWebConfig } from '../src/config.ts'
import { createFakePaymentsClient } from '../src/payments-client/fake.ts'
import { smtpMailer, type Mailer } from '../src/notices/email.ts'
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
  owner = new Agent(t.baseUrl)
  maria = new Agent(t.baseUrl)
  carlos = new Agent(t.baseUrl)
  await owner.register('notice_funder', 'funder')
  await maria.register('notice_maria', 'creator')
  await carlos.register('notice_carlos', 'creator')
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

describe('through a restart in the middle of the outbox', () => {
  /** A mailer that never answers: the process "dies" during the send (optionally after handing the mail over). */
  function dyingMailer(deliverFirst?: Mailer): Mailer & { calls: number } {
    const m = {
      calls: 0,
      async send(mail: Parameters<Mailer['send']>[0]) {
        m.calls++
        if (deliverFirst) await deliverFirst.send(mail)
        return new Promise<void>(() => {})
      },
      close() {}
    }
    return m
  }

  async function appOn(database: Database, mailer: Mailer): Promise<WebApp> {
    const config = testWebConfig({ smtp: { url: smtp.url, from: 'Voces Market <avisos@voces.test>' } })
    return buildWebApp({ config, database, logger: createLogger({ level: 'silent' }), paymentsClient: createFakePaymentsClient(), clock, mailer })
  }

  test('every notice is delivered once; a mail handed over before the crash is resent with the same Message-ID', async () => {
    // The same database as the app above; each "process" is a new composition root on it.
    const database = t.database
    const relay = smtpMailer({ url: smtp.url, from: 'unused' })
    const delivered = (id: string) => smtp.received.filter((m) => m.messageId === `<notice-${id}@localhost>`).length
    try {
      const funder = new Agent(t.baseUrl)
      await funder.register('restart_funder', 'funder')
      await funder.postMultipart('/profile', { displayName: 'R', walletAddress: '', email: 'restart@voces.test', roles: 'funder', preferredLanguage: 'en' })
      const [me] = await database.db.select().from(users).where(eq(users.username, 'restart_funder'))
      const dying = dyingMailer()
      const first = await appOn(database, dying)
      const write = (app: WebApp, i: number, name = `Applicant ${i}`) =>
        database.db.transaction((tx) =>
          app.services.notices.notify(tx, { userId: me!.id, kind: 'applied', params: { title: 'Restart job', name }, link: '/jobs', dedupeKey: `restart:${i}` })
        )
      for (let i = 0; i < 3; i++) await write(first, i)

      // The first process claims the outbox and dies inside the first send (never answered).
      void first.services.emails!.processDue()
      await vi.waitFor(() => expect(dying.calls).toBe(1))

      // A new process on the same database; the same events arrive again (replayed) — no new notices.
      const second = await appOn(database, relay)
      for (let i = 0; i < 3; i++) await write(second, i, 'Replayed')
      // Before the dead process's lease runs out, its rows are left alone…
      expect(await second.services.emails!.processDue()).toBe(0)
      // …after it, the new process sends them.
      clock.advance(61_000)
      while ((await second.services.emails!.processDue()) > 0);
      const written = await database.db.select().from(notices).where(eq(notices.userId, me!.id))
      expect(written).toHaveLength(3)
      for (const n of written) {
        // The server's bookkeeping of a message may trail the 250 reply by a tick.
        await vi.waitFor(() => expect(delivered(n.id)).toBe(1))
        expect((await second.services.emails!.get(n.id))?.state).toBe('sent')
      }
      expect(written.map((n) => n.params.name).sort()).toEqual(['Applicant 0', 'Applicant 1', 'Applicant 2'])
      const english = smtp.received.find((m) => m.messageId === `<notice-${written[0]!.id}@localhost>`)!
      expect(english.subject).toMatch(/^Voces Market: Applicant \d applied to your job “Restart job”\.$/)

      // A process that handed a mail to the server and died before recording it: resent, same Message-ID.
      await write(second, 9)
      const handedOver = dyingMailer(relay)
      const third = await appOn(database, handedOver)
      void third.services.emails!.processDue()
      const [last] = await database.db.select().from(notices).where(and(eq(notices.userId, me!.id), eq(notices.dedupeKey, 'restart:9')))
      await vi.waitFor(() => expect(delivered(last!.id)).toBe(1))
      clock.advance(61_000)
      while ((await second.services.emails!.processDue()) > 0);
      await vi.waitFor(() => expect(delivered(last!.id)).toBe(2))
      expect((await second.services.emails!.get(last!.id))?.state).toBe('sent')
      await first.app.close()
      await third.app.close()
      await second.app.close()
    } finally {
      relay.close()
    }
  })
})

describe('configuration', () => {
  test('SMTP is read once: a URL, or host and port; none → email off; a bad URL fails at start', () => {
    const base = { NODE_ENV: 'test', LOG_LEVEL: 'silent' }
    expect(loadWebConfig(base).smtp).toBeNull()
    expect(loadWebConfig({ ...base, WEB_SMTP_URL: 'smtps://u:p@mail.example:465' }).smtp).toMatchObject({ url: 'smtps://u:p@mail.example:465' })
    expect(loadWebConfig({ ...base, WEB_SMTP_HOST: 'mail.example', WEB_SMTP_USER: 'u', WEB_SMTP_FROM: 'Voces <a@b.example>' }).smtp).toMatchObject({
      host: 'mail.example',
      port: 587,
      user: 'u',
      from: 'Voces <a@b.example>'
    })
    expect(() => loadWebConfig({ ...base, WEB_SMTP_URL: 'http://mail.example' })).toThrow(/WEB_SMTP_URL/)
  })

  test('without SMTP the inbox works and no email is sent', async () => {
    const web = await buildWebApp({ config: testWebConfig({ smtp: null }), database: t.database, logger: createLogger({ level: 'silent' }), paymentsClient: createFakePaymentsClient(), clock })
    expect(web.services.emails).toBeUndefined()
    const [maria] = await db().select().from(users).where(eq(users.username, 'notice_maria'))
    await db().transaction((tx) => web.services.notices.notify(tx, { userId: maria!.id, kind: 'work_started', params: { title: 'Sin correo' }, link: '/jobs', dedupeKey: 'no-smtp' }))
    expect(await web.services.notices.unreadCount(maria!.id)).toBeGreaterThan(0)
    await web.app.close()
  })
})
