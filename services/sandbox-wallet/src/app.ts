import { randomUUID } from 'node:crypto'
import { fileURLToPath } from 'node:url'
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify'
import formbody from '@fastify/formbody'
import { systemClock, type Clock, type Database, type Logger } from '@voces/platform'
import { createUrlGuard } from '@voces/platform/url-guard'
import { createNetGuard, type Resolve } from '@voces/platform/net-guard'
import type { SandboxConfig } from './config.ts'
import type { SandboxDeps } from './deps.ts'
import { SANDBOX_ERRORS, sendSpecViolation } from './http/errors.ts'
import { createOpenApiValidators, registerResponseValidation } from './http/openapi.ts'
import { createSignatureVerifier, type RawBodyRequest } from './http/signatures.ts'
import { createClientUrls } from './http/client-urls.ts'
import { registerFaults } from './http/faults.ts'
import { registerInputGuard } from './http/input-guard.ts'
import { createLedgerService } from './ledger/service.ts'
import { createWalletAddressService } from './wallet-address/service.ts'
import { createGrantService } from './grant/service.ts'
import { createResourceAuthorizer } from './grant/resource-auth.ts'
import { createIncomingPaymentService } from './incoming-payment/service.ts'
import { createQuoteService } from './quote/service.ts'
import { createOutgoingPaymentService } from './outgoing-payment/service.ts'
import { walletAddressRoutes } from './wallet-address/routes.ts'
import { grantRoutes } from './grant/routes.ts'
import { consentRoutes } from './consent/routes.ts'
import { incomingPaymentRoutes } from './incoming-payment/routes.ts'
import { quoteRoutes } from './quote/routes.ts'
import { outgoingPaymentRoutes } from './outgoing-payment/routes.ts'
import { adminRoutes } from './admin/routes.ts'

export const SANDBOX_SCHEMA = 'sandbox_wallet'
export const SANDBOX_MIGRATIONS = fileURLToPath(new URL('../drizzle', import.meta.url))

export interface SandboxApp {
  app: FastifyInstance
  deps: SandboxDeps
  /** Starts the settlement worker. */
  start(): void
  stop(): Promise<void>
}

/** The composition root of the sandbox wallet: services, routes and the settlement worker. */
export async function buildSandboxApp(options: {
  config: SandboxConfig
  database: Database
  logger: Logger
  clock?: Clock
  /** Name resolution of the client-URL check and of its connections (tests make a name rebind); default: the system's. */
  resolve?: { check: (host: string) => Promise<string[]>; connect: Resolve }
}): Promise<SandboxApp> {
  const { config, logger } = options
  const clock = options.clock ?? systemClock
  const db = options.database.db
  await options.database.migrate({ migrationsFolder: SANDBOX_MIGRATIONS, schema: SANDBOX_SCHEMA })

  const ledger = createLedgerService({ db })
  const walletAddresses = createWalletAddressService({ db, ledger })
  const ownOrigin = () => config.baseUrl
  const netGuard = createNetGuard({ ownOrigin, allowedOrigins: config.allowedClientOrigins, ...(options.resolve ? { resolve: options.resolve.connect } : {}) })
  const clientUrls = createClientUrls({
    urlGuard: createUrlGuard({ ownOrigin, allowedOrigins: config.allowedClientOrigins, ...(options.resolve ? { resolve: options.resolve.check } : {}) }),
    netGuard
  })
  const grants = createGrantService({ db, config, clock, walletAddresses, clientUrls })
  const incomingPayments = createIncomingPaymentService({ db, config, clock, walletAddresses, ledger })
  const quotes = createQuoteService({ db, config, clock, incomingPayments })
  const outgoingPayments = createOutgoingPaymentService({ db, config, clock, logger, walletAddresses, incomingPayments, quotes, ledger })
  const signatures = createSignatureVerifier({ logger, clientUrls, publicProtocol: () => new URL(config.baseUrl).protocol.replace(':', '') })
  const deps: SandboxDeps = {
    config,
    db,
    logger,
    clock,
    openApi: await createOpenApiValidators({ enabled: config.validateOpenApi, logger }),
    signatures,
    resourceAuth: createResourceAuthorizer({ config, grants, signatures }),
    ledger,
    walletAddresses,
    grants,
    incomingPayments,
    quotes,
    outgoingPayments,
    faults: { current: { latencyMs: 0, errorRate: 0, dropRate: 0, paths: [] } }
  }

  const app = Fastify({
    loggerInstance: logger as FastifyBaseLogger,
    genReqId: (req) => String(req.headers['x-request-id'] ?? randomUUID()),
    requestIdHeader: 'x-request-id',
    routerOptions: { ignoreTrailingSlash: true }
  })
  // Signatures cover the exact body bytes, so keep them beside the parsed JSON.
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    ;(request as RawBodyRequest).rawBody = body as string
    try {
      done(null, body === '' ? undefined : JSON.parse(body as string))
    } catch {
      done(Object.assign(new Error('Body is not valid JSON'), { statusCode: 400 }), undefined)
    }
  })
  await app.register(formbody)
  app.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id)
  })
  app.setErrorHandler((error: { statusCode?: number; message: string }, request, reply) => {
    const status = error.statusCode && error.statusCode < 500 ? error.statusCode : 500
    if (status === 500) {
      request.log.error({ err: error }, 'unhandled error')
      return reply.code(500).send({ error: { code: 'internal_error', description: 'Internal error' } })
    }
    if (request.url.startsWith('/admin')) return reply.code(status).send({ error: { code: 'invalid_request', description: error.message } })
    // A body the parser cannot read (bad JSON, wrong type) is refused as Rafiki's request validator refuses a
    // malformed request, in the auth or resource server's words, and never checked as a route's own answer
    // (the fuzz suite found a 400 here turned into a 500 by the response check).
    deps.openApi.skipResponseCheck(request)
    return sendSpecViolation(reply, request.url.startsWith('/auth') ? 'auth' : 'resource', status, error.message)
  })
  app.setNotFoundHandler((_request, reply) => reply.code(404).send({ error: { code: SANDBOX_ERRORS.not_found.code, description: SANDBOX_ERRORS.not_found.description } }))
  registerInputGuard(app, deps.openApi)
  registerResponseValidation(app, logger)
  registerFaults(app, deps.faults)

  app.get('/health', async () => ({ status: 'ok' }))
  adminRoutes(app, deps)
  grantRoutes(app, deps)
  consentRoutes(app, deps)
  incomingPaymentRoutes(app, deps)
  quoteRoutes(app, deps)
  outgoingPaymentRoutes(app, deps)
  walletAddressRoutes(app, deps)

  let timer: NodeJS.Timeout | undefined
  let running: Promise<unknown> = Promise.resolve()
  const tick = Math.max(50, Math.min(500, Math.floor(config.settlementDelayMs / 2) || 50))
  return {
    app,
    deps,
    start() {
      if (timer) return
      timer = setInterval(() => {
        // Send due outgoing payments, then credit the wallets of incoming payments that expired.
        running = running
          .then(() => outgoingPayments.settleDue())
          .then(() => incomingPayments.settleExpired())
          .catch((error: unknown) => logger.error({ err: error }, 'settlement failed; will retry'))
      }, tick)
    },
    async stop() {
      if (timer) clearInterval(timer)
      timer = undefined
      await running
      await app.close()
      await netGuard.close()
    }
  }
}
