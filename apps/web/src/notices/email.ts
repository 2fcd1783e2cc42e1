import { and, eq, sql } from 'drizzle-orm'
import nodemailer from 'nodemailer'
import { backoffMs, claimDue, createPoller, transitionIf, type Clock, type Db, type Logger } from '@voces/platform'
import { noticeEmails, notices } from './model.ts'
import { noticeText } from './text.ts'
import { users } from '../domain/user.ts'
import { isUiLanguage } from '../domain/languages.ts'
import { translator } from '../i18n/index.ts'

export interface OutgoingEmail {
  from: string
  to: string
  subject: string
  text: string
  /** Derived from the notice id: a resend after a crash carries the same one, so mail clients can fold it. */
  messageId: string
}

export interface Mailer {
  send(mail: OutgoingEmail): Promise<void>
  close(): void
}

/** Where email goes: an SMTP URL (`smtp://user:pass@host:587`, `smtps://…`) or host and port. */
export interface SmtpConfig {
  url?: string | undefined
  host?: string | undefined
  port?: number | undefined
  user?: string | undefined
  pass?: string | undefined
  from: string
}

/** Sends over SMTP with nodemailer: one pooled transport for the process. */
export function smtpMailer(smtp: SmtpConfig): Mailer {
  // Every wait is bounded well inside the worker's lease, so a hung server never lets two workers send at once.
  const timeouts = { connectionTimeout: 15_000, greetingTimeout: 15_000, socketTimeout: 30_000 }
  // One pooled connection, reused while there is mail to send.
  const pooled = { pool: true, maxConnections: 1, ...timeouts } as const
  const transport = smtp.url
    ? nodemailer.createTransport({ url: smtp.url, ...pooled })
    : nodemailer.createTransport({
        host: smtp.host,
        port: smtp.port ?? 587,
        secure: smtp.port === 465,
        ...(smtp.user ? { auth: { user: smtp.user, pass: smtp.pass ?? '' } } : {}),
        ...pooled
      })
  return {
    async send(mail) {
      await transport.sendMail({ from: mail.from, to: mail.to, subject: mail.subject, text: mail.text, messageId: mail.messageId })
    },
    close: () => transport.close()
  }
}

const LEASE_MS = 60_000
const MAX_ATTEMPTS = 8

/**
 * The email outbox worker, on the platform queue. Each row is claimed (a lease), marked `sending`
 * with one more attempt, sent with a Message-ID derived from the notice id, then recorded `sent`.
 * A process that dies between the send and the record leaves the row `sending`; once its lease
 * runs out another worker sends it again with the SAME Message-ID (at most that one duplicate,
 * which mail clients fold). A refusal is retried with backoff; a permanent one (5xx) or the last
 * attempt ends `failed` — the notice itself is in the inbox either way.
 */
export function createEmailOutbox(deps: { db: Db; mailer: Mailer; clock: Clock; logger: Logger; from: string; baseUrl: () => string; intervalMs: number }) {
  const domain = () => new URL(deps.baseUrl()).hostname || 'voces.market'

  async function sendOne(id: string, before: { state: string; attempts: number }): Promise<void> {
    const sending = await transitionIf(deps.db, noticeEmails, id, (c) => c.state === before.state && c.attempts === before.attempts, {
      state: 'sending',
      attempts: before.attempts + 1
    })
    if (!sending) return
    const [row] = await deps.db
      .select({ notice: notices, lang: users.preferredLanguage })
      .from(notices)
      .innerJoin(users, eq(users.id, notices.userId))
      .where(eq(notices.id, id))
    if (!row) return
    const lang = isUiLanguage(row.lang) ? row.lang : 'es'
    const t = translator(lang)
    const words = noticeText(t, lang, row.notice)
    const link = new URL(row.notice.link, deps.baseUrl()).toString()
    try {
      await deps.mailer.send({
        from: deps.from,
        to: sending.toAddress,
        subject: `${t('notices.email_subject')}: ${words}`.slice(0, 200),
        text: `${words}\n\n${t('notices.email_open')}: ${link}\n\n${t('notices.email_footer')}\n`,
        messageId: `<notice-${id}@${domain()}>`
      })
    } catch (error) {
      const code = (error as { responseCode?: number }).responseCode
      const final = (code !== undefined && code >= 500) || sending.attempts >= MAX_ATTEMPTS
      deps.logger.warn({ noticeId: id, attempt: sending.attempts, code, err: error }, final ? 'notice email failed' : 'notice email deferred')
      await transitionIf(deps.db, noticeEmails, id, (c) => c.state === 'sending' && c.attempts === sending.attempts, {
        state: final ? 'failed' : 'sending',
        lastError: String((error as Error).message ?? error).slice(0, 500),
        nextAttemptAt: new Date(deps.clock.now().getTime() + backoffMs(sending.attempts, 30_000, 3_600_000))
      })
      return
    }
    // Sent: record it whoever holds the row now (it did go out).
    await transitionIf(deps.db, noticeEmails, id, (c) => c.state === 'sending', { state: 'sent', sentAt: deps.clock.now(), lastError: null })
  }

  /** One round: claims due rows (pending, or sending whose lease ran out) and sends them; answers how many. */
  async function processDue(): Promise<number> {
    const claimed = await claimDue(deps.db, noticeEmails, {
      ready: sql`${noticeEmails.state} in ('pending', 'sending')`,
      limit: 10,
      leaseMs: LEASE_MS,
      now: deps.clock.now()
    })
    for (const row of claimed) await sendOne(row.id, row)
    return claimed.length
  }

  const poller = createPoller({ name: 'notice-emails', intervalMs: deps.intervalMs, logger: deps.logger, round: processDue })
  return {
    processDue,
    start: () => poller.start(),
    wake: () => poller.wake(),
    async stop() {
      await poller.stop()
      deps.mailer.close()
    },
    /** For the admin and tests: the outbox row of a notice. */
    async get(noticeId: string) {
      const [row] = await deps.db.select().from(noticeEmails).where(and(eq(noticeEmails.id, noticeId)))
      return row
    }
  }
}

export type EmailOutbox = ReturnType<typeof createEmailOutbox>
