import { fileURLToPath } from 'node:url'
import { dirname, join } from 'node:path'
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
import { endConnectionsWhileClosing, type Logger } from '@voces/platform'
import type { WebConfig } from './config.ts'
import type { WebServices } from './services.ts'
import { isUiLanguage } from './domain/languages.ts'
import { errorPages } from './http/render.tsx'
import { refuseControlCharacters, requestFailure, startReadingBody } from './http/input.ts'
import { errorStatus } from './errors.ts'
import { spoolFormFiles } from './http/spool.ts'
import { SESSION_COOKIE } from './sessions/service.ts'
import { recordingsFor } from './audio/recordings.ts'

const PUBLIC_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'public')
/** The app-wide handlers answer any feature's failure (e.g. a file too large for any upload). */
const errorPage = errorPages(errorStatus)

/**
 * The Fastify instance before any route: plugins (compression, cookies, forms, uploads, rate limits,
 * CSRF, static files), each request's user, language and recordings, security headers, input checks,
 * CSRF on every POST, and the app-wide error and 404 pages.
 */
export async function createServer(config: WebConfig, logger: Logger, services: Pick<WebServices, 'sessions' | 'audio' | 'publicPages'>): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: logger,
    trustProxy: config.trustProxy,
    bodyLimit: 1024 * 1024
  }) as unknown as FastifyInstance

  // Stopping finishes the requests in flight, and their keep-alive connections end with their answers.
  endConnectionsWhileClosing(app)
  // JSON bodies (only the webhook receives them) stay raw strings: the signature covers the exact bytes.
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, text, done) => done(null, text))
  // Pages are compressed on every request, on the main thread: brotli's default quality (11) cost ~10 ms
  // a page; quality 5 costs ~0.5 ms for a few percent more bytes (issue 14, measured with bench:web).
  // Every page is compressed in one synchronous call (syncThreshold): on 2 cores the default (4 KiB) sent a
  // 27 KB browse page through a zlib stream per response, ~16 % of its CPU profile (issue 14).
  await app.register(fastifyCompress, { global: true, threshold: 1024, syncThreshold: 64 * 1024, brotliOptions: { params: { [zlib.BROTLI_PARAM_QUALITY]: 5 } } })
  await app.register(fastifyCookie, { secret: config.cookieSecret })
  await app.register(fastifyFormbody)
  await app.register(fastifyMultipart, {
    attachFieldsToBody: 'keyValues',
    // Files stream to temporary files (never whole in memory), cut off at the size limit.
    onFile: spoolFormFiles(app, join(config.uploadDir, 'incoming')),
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
  app.decorateRequest('csrfIssued', false)
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
  // Once the visitor is known: a public page already rendered for visitors without a session answers before
  // the route runs. Its onSend comes after the cookie plugin's: a page that set a cookie is never remembered.
  services.publicPages.install(app)
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
  return app
}
