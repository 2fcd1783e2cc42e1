import { fileURLToPath } from 'node:url'
import { dirname, join } from 'node:path'
import { mkdir } from 'node:fs/promises'
import { createHash, createHmac } from 'node:crypto'
import Fastify, { type FastifyInstance } from 'fastify'
import fastifyCookie from '@fastify/cookie'
import fastifyCsrf from '@fastify/csrf-protection'
import fastifyFormbody from '@fastify/formbody'
import fastifyMultipart from '@fastify/multipart'
import fastifyRateLimit from '@fastify/rate-limit'
import fastifyStatic from '@fastify/static'
import fastifyCompress from '@fastify/compress'
import type { Clock, Database, Logger } from '@voces/platform'
import type { WebConfig } from './config.ts'
import type { PaymentsClient } from './payments-client/types.ts'
import { isUiLanguage } from './domain/languages.ts'
import { errorPages } from './http/render.tsx'
import { refuseControlCharacters, requestFailure, startReadingBody } from './http/input.ts'
import { errorStatus } from './errors.ts'
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
import { createPayoutService } from './payouts/service.ts'
import { createFundingService } from './funding/service.ts'
import { fundingRoutes } from './funding/routes.tsx'
import { payoutRoutes } from './payouts/routes.tsx'
import { createScheduler } from './scheduler.ts'
import { createAudioService } from './audio/service.ts'
import { audioRoutes } from './audio/routes.tsx'
import { recordingsFor } from './audio/recordings.ts'
import { webhookRoutes } from './payments-client/webhooks.ts'
import { jobPageRoutes } from './pages/job/routes.tsx'
import { dashboardRoutes } from './pages/dashboard/routes.tsx'
import { createAdminService } from './pages/admin/service.ts'
import { adminRoutes } from './pages/admin/routes.tsx'

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
  /** Where media bytes live; by default the one config.media names (tests wrap it to inject faults). */
  mediaStore?: MediaStore
  /** Time for the media sweep's grace period (tests move it); the system clock by default. */
  clock?: Clock
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
  const payouts = createPayoutService({ db, payments: deps.paymentsClient, logger: deps.logger })
  // Closing a job (canceled, expired, complete) refunds what escrow still holds for it.
  const onClosed = payouts.scheduleRefund
  // Community recordings behind the speaker buttons: 30 s of WAV fits in 3 MB, Opus in far less.
  const audio = createAudioService({ db, media, logger: deps.logger, maxBytes: Math.min(deps.config.maxUploadBytes, 3 * 1024 * 1024) })
  const jobs = createJobService({ db, asset: deps.config.asset, onClosed, onEdited: audio.jobEdited })
  const transitions = createJobTransitions({ db, onClosed })
  const applications = createApplicationService({ db, jobs, media, transitions })
  const submissions = createSubmissionService({ db, media, transitions, onAccepted: payouts.schedulePayout })
  const fundings = createFundingService({
    db,
    payments: deps.paymentsClient,
    payouts,
    logger: deps.logger,
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
      payouts: () => payouts.processDue(),
      fundings: () => fundings.refreshOpen(),
      sessions: () => sessions.purgeExpired(),
      mediaSweep: () => media.sweepIfDue(deps.config.media.sweepIntervalMs)
    }
  })
  return { store, media, users, sessions, payouts, jobs, transitions, applications, submissions, fundings, scheduler, audio }
}

/** The composition root: every service is built here from explicit dependencies, then the routes. */
export async function buildWebApp(deps: WebDeps): Promise<WebApp> {
  const { config, database, logger } = deps
  await database.migrate({ migrationsFolder: MIGRATIONS_FOLDER, schema: 'web' })
  if (config.media.store === 'local') await mkdir(config.uploadDir, { recursive: true })
  const services = createServices(deps)

  const app = Fastify({
    loggerInstance: logger,
    trustProxy: config.trustProxy,
    bodyLimit: 1024 * 1024
  }) as unknown as FastifyInstance

  // JSON bodies (only the webhook receives them) stay raw strings: the signature covers the exact bytes.
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, text, done) => done(null, text))
  await app.register(fastifyCompress, { global: true, threshold: 1024 })
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
  app.decorateRequest('lang', 'es')
  app.decorateRequest('recordings', null)
  // @fastify/csrf refuses an empty binding: a visitor without a session gets a fixed one.
  app.decorateRequest('csrfBinding', 'no-session')
  app.decorateRequest('readingBody', false)
  app.addHook('onRequest', async (req) => {
    // Looked up only when a page's speakers ask, for this request's listener (read when the page renders).
    req.recordings = recordingsFor(services.audio, req)
    if (req.url.startsWith('/static/')) return
    req.user = await services.sessions.lookup(req.cookies[SESSION_COOKIE])
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
  // Browsers ask for it on every first visit; an empty answer they may keep costs less than the 404 page.
  app.get('/favicon.ico', (_req, reply) => reply.code(204).header('cache-control', 'public, max-age=604800').send())
  userRoutes(app, {
    users: services.users,
    sessions: services.sessions,
    media: services.media,
    secureCookies: config.secureCookies,
    loginRateLimit: config.loginRateLimit
  })
  mediaRoutes(app, services.media)
  await uploadRoutes(app, { media: services.media, maxUploadBytes: config.maxUploadBytes })
  jobRoutes(app, { ...services, assetCode: config.asset.code })
  applicationRoutes(app, services)
  submissionRoutes(app, services)
  fundingRoutes(app, services)
  payoutRoutes(app, services)
  webhookRoutes(app, {
    db: database.db,
    secret: config.payments.webhookSecret,
    onPayment: (pendingId) => services.fundings.refreshByPendingId(pendingId),
    onPayout: (payoutId) => services.payouts.refresh(payoutId)
  })
  audioRoutes(app, { audio: services.audio, media: services.media, jobs: services.jobs, secureCookies: config.secureCookies })
  // Pages that assemble several features.
  jobPageRoutes(app, services)
  dashboardRoutes(app, services)
  const admin = createAdminService({ db: database.db, payments: deps.paymentsClient, fundings: services.fundings, payouts: services.payouts })
  adminRoutes(app, { admin, assetCode: config.asset.code, baseUrl: () => config.baseUrl })

  let started = false
  return {
    app,
    services,
    async start() {
      const address = await app.listen({ host: config.host, port: config.port })
      started = true
      if (config.schedulerEnabled) services.scheduler.start()
      return address.replace('[::1]', 'localhost').replace('127.0.0.1', 'localhost')
    },
    async stop() {
      await services.scheduler.stop()
      if (started || !app.server.listening) await app.close()
      await services.store.close()
    }
  }
}
