/**
 * Notice emails (issue 10): the outbox delivers every notice once through a real SMTP server
 * (`smtp-server`), also across a restart in the middle of a send; SMTP is configured once, and without
 * it the inbox works alone. The events and the inbox: notices.test.ts.
 */
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest'
import { and, eq } from 'drizzle-orm'
import { createLogger, createTestClock, type Database } from '@voces/platform'
import { Agent, startTestWeb, type TestWeb } from './helpers.ts'
import { startSmtpServer, type TestSmtp } from './smtp.ts'
import { buildWebApp, type WebApp } from '../src/app.ts'
import { loadWebConfig, testWebConfig } from '../src/config.ts'
import { createFakePaymentsClient } from '../src/payments-client/fake.ts'
import { smtpMailer, type Mailer } from '../src/notices/email.ts'
import { notices } from '../src/notices/model.ts'
import { users } from '../src/domain/user.ts'

const clock = createTestClock()
let smtp: TestSmtp
let t: TestWeb

beforeAll(async () => {
  smtp = await startSmtpServer()
  t = await startTestWeb({ smtp: { url: smtp.url, from: 'Voces Market <avisos@voces.test>' } }, { clock })
})
afterAll(async () => {
  await t?.close()
  await smtp?.close()
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
    await new Agent(t.baseUrl).register('no_smtp_maria', 'creator')
    const web = await buildWebApp({ config: testWebConfig({ smtp: null }), database: t.database, logger: createLogger({ level: 'silent' }), paymentsClient: createFakePaymentsClient(), clock })
    expect(web.services.emails).toBeUndefined()
    const db = t.database.db
    const [maria] = await db.select().from(users).where(eq(users.username, 'no_smtp_maria'))
    expect(await web.services.notices.unreadCount(maria!.id)).toBe(0)
    await db.transaction((tx) => web.services.notices.notify(tx, { userId: maria!.id, kind: 'work_started', params: { title: 'Sin correo' }, link: '/jobs', dedupeKey: 'no-smtp' }))
    expect(await web.services.notices.unreadCount(maria!.id)).toBe(1)
    await web.app.close()
  })
})
