import { fileURLToPath } from 'node:url'
import { dirname, join } from 'node:path'
import { mkdir } from 'node:fs/promises'
import { createHash, createHmac } from 'node:crypto'
import { constants as zlib } from 'node:zlib'
import Fastify, { type FastifyInstance } from 'fastify'
import fastifyCookie from '@fastify/cookie'
import fastifyCsrf from '@fastify/csrf-protection'
import fastifyFormbody from '@fastify/formbody'
import fastifyMultipart from '@fastify/multipart'
import fastifyRateLimit from '@fastify/rate-limit'
import fastifyStatic from '@fastify/static'
import fastifyCompress from '@fastify/compress'
import { sql } from 'drizzle-orm'
import { createMetrics, systemClock, type Clock, type Database, type Logger } from '@voces/platform'
import type { WebConfig } from './config.ts'
import type { PaymentsClient } from './payments-client/types.ts'
import { isUiLanguage } from './domain/languages.ts'
import { errorPages } from './http/render.tsx'
import { refuseControlCharacters, requestFailure, startReadingBody } from './http/input.ts'
import { errorStatus } from './errors.ts'
import { operationsRoutes } from './http/operations.ts'
import { createUserService } from './users/service.ts'
import { createSessionService, SESSION_COOKIE } from './sessions/service.ts'
import { createMediaService } from './media/service.ts'
import { createMediaStore, type MediaStore } from './media/store/index.ts'
import { uploadRoutes } from './media/uploads.ts'
import { userRoutes } from './users/routes.tsx'
import { mediaRoutes } from './media/routes.tsx'
import { createJobService } from './jobs/service.ts'
import { createJobTransitions } from './jobs/transitions.ts'
import { jobRoutes } from './jobs/routes.tsx'
import { createApplicationService } from './applications/service.ts'
import { applicationRoutes } from './applications/routes.tsx'
import { createSubmissionService } from './submissions/service.ts'
import { submissionRoutes } from './submissions/routes.tsx'
import { createAutoRelease } from './submissions/auto-release.ts'
import { createDisputeService } from './disputes/service.ts'
import { disputeRoutes } from './disputes/routes.tsx'
import { reviewEvents } from './review-events.ts'
import { createPayoutService } from './payouts/service.ts'
import { createFundingService } from './funding/service.ts'
import { fundingRoutes } from './funding/routes.tsx'
import { payoutRoutes } from './payouts/routes.tsx'
import { createScheduler } from './scheduler.ts'
import { createAudioService } from './audio/service.ts'
import { audioRoutes } from './audio/routes.tsx'
import { createOutboxService } from './outbox/service.ts'
import { outboxRoutes } from './outbox/routes.ts'
import { recordingsFor } from './audio/recordings.ts'
import { webhookRoutes } from './payments-client/webhooks.ts'
import { jobPageRoutes } from './pages/job/routes.tsx'
import { jobConfirmRoutes } from './pages/job/confirm.tsx'
import { dashboardRoutes } from './pages/dashboard/routes.tsx'
import { createAdminService } from './pages/admin/service.ts'
import { adminRoutes } from './pages/admin/routes.tsx'
import { createNoticeService } from './notices/service.ts'
import { createNoticeEvents } from './notices/events.ts'
import { createEmailOutbox, smtpMailer, type Mailer } from './notices/email.ts'
import { noticeRoutes } from './notices/routes.tsx'
import { createSandboxAdmin } from './test-wallet/sandbox.ts'
import { createTestWalletService } from './test-wallet/service.ts'
import { testWalletProfile, testWalletRoutes } from './test-wallet/routes.tsx'

const here = dirname(fileURLToPath(import.meta.url))
export const MIGRATIONS_FOLDER = join(here, '..', 'drizzle')
const PUBLIC_DIR = join(here, '..', 'public')
/** The app-wide handlers answer any feature's failure (e.g. a file too large for any upload). */
const errorPage = errorPages(errorStatus)

export interface WebDeps {
  config: WebConfig
  database: Database
  logger: Logger
  paymentsClient: PaymentsClient
  /** Where review windows, auto-release, notices (with their email outbox) and the media sweep read the time; tests move it. */
  clock?: Clock
  /** Sends notice emails; default: SMTP from config.smtp, none when that is not set (email off). */
  mailer?: Mailer
  /** Where media bytes live; by default the one config.media names (tests wrap it to inject faults). */
  mediaStore?: MediaStore
}

export interface WebApp {
  app: FastifyInstance
  services: ReturnType<typeof createServices>
  /** Listens on config.host:config.port (0 = any free port) and starts the scheduler; returns the base URL. */
  start(): Promise<string>
  stop(): Promise<void>
}

function createServices(deps: WebDeps) {
  const { db } = deps.database
  const store = deps.mediaStore ?? createMediaStore(deps.config)
  const media = createMediaService({
    db,
    store,
    maxUploadBytes: deps.config.maxUploadBytes,
    logger: deps.logger,
    sweepGraceMs: deps.config.media.sweepGraceMs,
    ...(deps.clock ? { clock: deps.clock } : {})
  })
  const users = createUserService({ db, payments: deps.paymentsClient, argon2: deps.config.argon2 })
  const sessions = createSessionService({ db })
  const clock = deps.clock ?? systemClock
  // Notices are written in each event's own transaction (notices/events.ts says who is told what).
  const notices = createNoticeService({ db, clock })
  const tell = createNoticeEvents(notices.notify)
  const mailer = deps.mailer ?? (deps.config.smtp ? smtpMailer(deps.config.smtp) : undefined)
  const emails = mailer
    ? createEmailOutbox({
        db,
        mailer,
        clock,
        logger: deps.logger,
        from: deps.config.smtp?.from ?? 'Voces Market <avisos@localhost>',
        baseUrl: () => deps.config.baseUrl,
        intervalMs: deps.config.schedulerIntervalMs
      })
    : undefined
  const payouts = createPayoutService({ db, payments: deps.paymentsClient, logger: deps.logger, onCompleted: tell.moneyArrived })
  // Closing a job (canceled, expired, complete) refunds what escrow still holds for it.
  const onClosed = payouts.scheduleRefund
  // Community recordings behind the speaker buttons: 30 s of WAV fits in 3 MB, Opus in far less.
  const audio = createAudioService({ db, media, logger: deps.logger, maxBytes: Math.min(deps.config.maxUploadBytes, 3 * 1024 * 1024) })
  // Events of reviews, disputes and applications, told to the people concerned (review-events.ts).
  const events = reviewEvents(deps.logger, tell)
  const jobs = createJobService({
    db,
    asset: deps.config.asset,
    onClosed,
    onEdited: audio.jobEdited,
    escrowShortfall: payouts.escrowShortfall,
    // Starting the work tells the selected to begin and everyone else that they were not chosen, then
    // closes the applications still pending.
    onStarted: async (tx, job) => {
      await tell.workStarted(tx, job)
      await applications.closeUnchosen(tx, job)
    }
  })
  const transitions = createJobTransitions({ db, onClosed })
  const applications = createApplicationService({ db, jobs, media, transitions, events, onApplied: tell.applied, onDecided: tell.selected })
  const review = { windowMs: deps.config.reviewWindowMs, changeRounds: deps.config.changeRounds }
  const submissions = createSubmissionService({
    db,
    media,
    transitions,
    onAccepted: payouts.schedulePayout,
    escrowShortfall: payouts.escrowShortfall,
    events,
    clock,
    review,
    onSubmitted: (tx, job, submission) => tell.submissionReceived(tx, job, submission)
  })
  const autoRelease = createAutoRelease({
    db,
    logger: deps.logger,
    windowMs: review.windowMs,
    pay: { onAccepted: payouts.schedulePayout, escrowShortfall: payouts.escrowShortfall },
    events,
    clock
  })
  const disputes = createDisputeService({ db, money: payouts, events, clock })
  const fundings = createFundingService({
    db,
    payments: deps.paymentsClient,
    payouts,
    logger: deps.logger,
    onEnded: tell.fundingEnded,
    // Read at each call: tests listening on port 0 learn their base URL only after start.
    get baseUrl() {
      return deps.config.baseUrl
    }
  })
  const scheduler = createScheduler({
    intervalMs: deps.config.schedulerIntervalMs,
    logger: deps.logger,
    tasks: {
      jobTransitions: () => transitions.tick(),
      autoRelease: () => autoRelease.tick(clock.now()),
      payouts: () => payouts.processDue(),
      fundings: () => fundings.refreshOpen(),
      sessions: () => sessions.purgeExpired(),
      mediaSweep: () => media.sweepIfDue(deps.config.media.sweepIntervalMs)
    }
  })
  // Idempotency keys of forms a phone may send again (the offline queue, docs/web.md).
  const outbox = createOutboxService({ db, clock })
  return { store, media, users, sessions, payouts, jobs, transitions, applications, submissions, autoRelease, disputes, fundings, scheduler, audio, notices, tell, emails, outbox }
}

/** The web app's figures for /metrics: payouts it must send, fundings and payouts by state, failures by reason. */
function webMetrics(database: Database) {
  return createMetrics({
    service: 'web',
    database,
    queues: [{ queue: 'web.payouts', table: sql`web.payouts`, ready: sql`state = 'pending' or (state = 'sending' and remote_id is null)` }],
    states: [
      { kind: 'funding', query: sql`select state as key, count(*) as n from web.fundings group by 1` },
      { kind: 'payout', query: sql`select state as key, count(*) as n from web.payouts group by 1` }
    ],
    failures: [
      { kind: 'funding', query: sql`select failure_reason as key, count(*) as n from web.fundings where state in ('failed', 'rejected', 'expired') group by 1` },
      { kind: 'payout', query: sql`select last_error as key, count(*) as n from web.payouts where state = 'failed' group by 1` }
    ]
  })
}

/** The composition root: every service is built here from explicit dependencies, then the routes. */
export async function buildWebApp(deps: WebDeps): Promise<WebApp> {
  const { config, database, logger } = deps
  await database.migrate({ migrationsFolder: MIGRATIONS_FOLDER, schema: 'web' })
  if (config.media.store === 'local') await mkdir(config.uploadDir, { recursive: true })
  const services = createServices(deps)
  // In the sandbox only: one-tap test wallets of play money (config.testWallets, set by npm start).
  const testWallets = config.testWallets
    ? createTestWalletService({
        db: database.db,
        sandbox: createSandboxAdmin(config.testWallets),
        wallets: config.testWallets,
        asset: config.asset,
        logger
      })
    : undefined

  const app = Fastify({
    loggerInstance: logger,
    trustProxy: config.trustProxy,
    bodyLimit: 1024 * 1024
  }) as unknown as FastifyInstance

  // JSON bodies (only the webhook receives them) stay raw strings: the signature covers the exact bytes.
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, text, done) => done(null, text))
  // Pages are compressed on every request, on the main thread: brotli's default quality (11) cost ~10 ms
  // a page; quality 5 costs ~0.5 ms for a few percent more bytes (issue 14, measured with bench:web).
  await app.register(fastifyCompress, { global: true, threshold: 1024, brotliOptions: { params: { [zlib.BROTLI_PARAM_QUALITY]: 5 } } })
  await app.register(fastifyCookie, { secret: config.cookieSecret })
  await app.register(fastifyFormbody)
  await app.register(fastifyMultipart, {
    attachFieldsToBody: 'keyValues',
    limits: { fileSize: config.maxUploadBytes, files: 6, fields: 60, fieldSize: 100_000 }
  })
  await app.register(fastifyRateLimit, { global: false })
  await app.register(fastifyCsrf, {
    cookieKey: '_csrf',
    // Each token is bound to the session it was made for (an HMAC of the session cookie's hash), so a
    // planted CSRF cookie and token from another session are refused; login and logout also clear the
    // secret (users/routes.tsx), so a session never keeps the secret it had before.
    getUserInfo: (req) => req.csrfBinding,
    csrfOpts: { hmacKey: createHmac('sha256', config.cookieSecret).update('csrf-session-binding').digest() },
    cookieOpts: { path: '/', sameSite: 'lax', httpOnly: true, secure: config.secureCookies, signed: true }
  })
  await app.register(fastifyStatic, {
    root: PUBLIC_DIR,
    prefix: '/static/',
    // Cache-busted by ?v= in the layout, so browsers may keep them.
    maxAge: '365d',
    immutable: true
  })

  app.decorateRequest('user', null)
  app.decorateRequest('unreadNotices', 0)
  app.decorateRequest('lang', 'es')
  app.decorateRequest('recordings', null)
  // @fastify/csrf refuses an empty binding: a visitor without a session gets a fixed one.
  app.decorateRequest('csrfBinding', 'no-session')
  app.decorateRequest('readingBody', false)
  app.addHook('onRequest', async (req) => {
    // Looked up only when a page's speakers ask, for this request's listener (read when the page renders).
    req.recordings = recordingsFor(services.audio, req)
    if (req.url.startsWith('/static/')) return
    const signedIn = await services.sessions.lookup(req.cookies[SESSION_COOKIE])
    req.user = signedIn?.user ?? null
    req.unreadNotices = signedIn?.unreadNotices ?? 0
    if (req.user) req.csrfBinding = createHash('sha256').update(req.cookies[SESSION_COOKIE]!).digest('base64url')
    const cookieLang = req.cookies.lang
    req.lang = req.user?.preferredLanguage ?? (isUiLanguage(cookieLang) ? cookieLang : 'es')
  })
  app.addHook('onSend', async (_req, reply) => {
    if (String(reply.getHeader('content-type') ?? '').startsWith('text/html')) {
      // Only our own script and styles; forms post only here; recordings play from blob: URLs.
      reply.header(
        'content-security-policy',
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; media-src 'self' blob:; " +
          "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"
      )
    }
    reply.header('x-content-type-options', 'nosniff')
    reply.header('referrer-policy', 'same-origin')
    reply.header('x-frame-options', 'DENY')
  })
  app.addHook('preParsing', startReadingBody)
  // After the multipart plugin's own preValidation hook: every text field has been read by now.
  app.addHook('preValidation', refuseControlCharacters)
  // Every POST carries the form's CSRF token, except routes that authenticate their caller otherwise.
  app.addHook('preHandler', (req, reply, done) => {
    if (req.method !== 'POST' || req.routeOptions.config?.skipCsrf) return done()
    app.csrfProtection(req, reply, done)
  })

  app.setErrorHandler(async (error: Error & { code?: string; statusCode?: number }, req, reply) => {
    const failure = requestFailure(req, error)
    if (failure) return errorPage(req, reply, failure)
    req.log.error({ err: error, url: req.url }, 'unhandled error')
    return errorPage(req, reply, 'internal')
  })
  app.setNotFoundHandler((req, reply) => errorPage(req, reply, 'not_found'))

  app.get('/health', async () => ({ ok: true }))
  operationsRoutes(app, { metrics: webMetrics(database), database, token: config.metricsToken, maxWorkerLagSeconds: config.maxWorkerLagSeconds })
  // Browsers ask for it on every first visit; an empty answer they may keep costs less than the 404 page.
  app.get('/favicon.ico', (_req, reply) => reply.code(204).header('cache-control', 'public, max-age=604800').send())
  userRoutes(app, {
    users: services.users,
    sessions: services.sessions,
    media: services.media,
    secureCookies: config.secureCookies,
    loginRateLimit: config.loginRateLimit,
    profileExtra: testWallets ? testWalletProfile(testWallets) : undefined
  })
  if (testWallets) testWalletRoutes(app, { testWallets })
  mediaRoutes(app, services.media)
  await uploadRoutes(app, { media: services.media, maxUploadBytes: config.maxUploadBytes })
  jobRoutes(app, { ...services, assetCode: config.asset.code, escrowStates: (list) => services.payouts.escrowStates(list) })
  applicationRoutes(app, services)
  submissionRoutes(app, services)
  fundingRoutes(app, services)
  payoutRoutes(app, services)
  disputeRoutes(app, services)
  webhookRoutes(app, {
    db: database.db,
    secret: config.payments.webhookSecret,
    onPayment: (pendingId) => services.fundings.refreshByPendingId(pendingId),
    onPayout: (payoutId) => services.payouts.refresh(payoutId)
  })
  audioRoutes(app, { audio: services.audio, media: services.media, jobs: services.jobs, outbox: services.outbox, secureCookies: config.secureCookies })
  outboxRoutes(app)
  // Pages that assemble several features.
  jobPageRoutes(app, services)
  jobConfirmRoutes(app, services)
  dashboardRoutes(app, services)
  const admin = createAdminService({ db: database.db, payments: deps.paymentsClient, fundings: services.fundings, payouts: services.payouts })
  adminRoutes(app, { admin, assetCode: config.asset.code, baseUrl: () => config.baseUrl })
  noticeRoutes(app, { notices: services.notices })

  let started = false
  return {
    app,
    services,
    async start() {
      const address = await app.listen({ host: config.host, port: config.port })
      started = true
      if (config.schedulerEnabled) {
        services.scheduler.start()
        services.emails?.start()
      }
      return address.replace('[::1]', 'localhost').replace('127.0.0.1', 'localhost')
    },
    async stop() {
      await services.scheduler.stop()
      await services.emails?.stop()
      if (started || !app.server.listening) await app.close()
      await services.store.close()
    }
  }
}
