import { fileURLToPath } from 'node:url'
import Fastify, { type FastifyInstance } from 'fastify'
import swagger from '@fastify/swagger'
import { sql } from 'drizzle-orm'
import { createPoller, endConnectionsWhileClosing, systemClock, type Clock, type Database, type Logger, type Poller } from '@voces/platform'
import type { PaymentsConfig } from './config.ts'
import { registerOperationsRoutes } from './http/operations.ts'
import { registerBearerAuth } from './http/auth.ts'
import { registerErrorHandling } from './http/errors.ts'
import { registerInputGuard } from './http/input-guard.ts'
import { createUrlGuard } from '@voces/platform/url-guard'
import { createNetGuard } from '@voces/platform/net-guard'
import { createOpenPayments, type OpenPayments } from './open-payments/client.ts'
import { registerPaymentRoutes } from './payment/routes.ts'
import { createConsentService } from './consent/service.ts'
import { registerConsentRoutes } from './consent/routes.ts'
import { createPaymentService, type PaymentService } from './payment/service.ts'
import { createPaymentStore } from './payment/store.ts'
import { registerPayoutRoutes } from './payout/routes.ts'
import { payoutGrantStates } from './payout/store.ts'
import { createPayoutService, type PayoutService } from './payout/service.ts'
import { registerSellerRoutes } from './seller/routes.ts'
import { createSellerService, type SellerService } from './seller/service.ts'
import { createWebhookService, type WebhookService } from './webhook/service.ts'
import { registerWebhookRoutes } from './webhook/routes.ts'
import { registerWalletAddressRoutes } from './wallet-address/routes.ts'

export const MIGRATIONS_FOLDER = fileURLToPath(new URL('../drizzle', import.meta.url))

export interface PaymentsApp {
  app: FastifyInstance
  services: { payments: PaymentService; payouts: PayoutService; sellers: SellerService; webhooks: WebhookService; openPayments: OpenPayments }
  /** Registers the configured seller and starts the background workers (not the HTTP listener). */
  start(): Promise<void>
  /** `start()`, then listens on config.host:config.port; returns the base URL. */
  listen(): Promise<string>
  /** Stops the workers and the HTTP server. Does not close the database (its owner does). */
  stop(): Promise<void>
}

/** The composition root: every dependency of the service is built and wired here, and only here. */
export async function buildPaymentsApp(options: { config: PaymentsConfig; database: Database; logger: Logger; clock?: Clock }): Promise<PaymentsApp> {
  const { config, database, logger } = options
  const clock = options.clock ?? systemClock
  await database.migrate({ migrationsFolder: MIGRATIONS_FOLDER, schema: 'payments' })
  const db = database.db
  const pollers: Poller[] = []

  const allowedOrigins = [...config.walletAllowedOrigins, ...(config.seller ? [config.seller.walletAddressUrl] : [])]
  const netGuard = createNetGuard({ allowedOrigins })
  const openPayments = createOpenPayments({
    urlGuard: createUrlGuard({ allowedOrigins }),
    netGuard,
    useHttp: config.useHttp,
    requestTimeoutMs: config.walletRequestTimeoutMs,
    walletAddressCacheMs: config.walletAddressCacheMs,
    logger
  })
  const webhooks = createWebhookService({
    db,
    clock,
    logger,
    target: config.webhook,
    leaseMs: config.worker.leaseMs,
    baseBackoffMs: config.worker.baseBackoffMs,
    maxBackoffMs: config.worker.maxBackoffMs,
    maxAttempts: Math.max(config.worker.maxAttempts, 20),
    timeoutMs: config.walletRequestTimeoutMs
  })
  const sellers = createSellerService({ db, logger, openPayments, keysDir: config.sellerKeysDir, payoutGrantStates: (ids) => payoutGrantStates(db, ids) })
  const consents = createConsentService({ db, logger, clock, openPayments, sellers, config })
  const store = createPaymentStore({ db, webhooks })
  const payments = createPaymentService({ db, logger, openPayments, sellers, store, consents, clock, config })
  const payouts = createPayoutService({ db, logger, openPayments, sellers, webhooks, consents, clock, config })

  const app = Fastify({
    // Request lines only when debugging; errors are logged by the error handler either way.
    loggerInstance: logger.child({ component: 'http' }, { level: config.logLevel === 'debug' ? 'debug' : 'warn' }),
    bodyLimit: 64 * 1024
  }) as unknown as FastifyInstance
  registerErrorHandling(app, logger)
  registerInputGuard(app)
  endConnectionsWhileClosing(app)
  await app.register(swagger, {
    openapi: {
      info: {
        title: 'Voces Market payments service',
        version: '1.0.0',
        description: 'Open Payments client of the marketplace: funder payments into escrow with consent, and payouts from escrow.'
      },
      components: { securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer' } } }
    }
  })
  registerBearerAuth(app, config.apiToken)

  app.get('/health', { schema: { summary: 'Liveness and database check', tags: ['service'] } }, async (_request, reply) => {
    try {
      await db.execute(sql`select 1`)
      return { success: true, status: 'ok', database: database.kind, sellerConfigured: Boolean(config.seller) }
    } catch (error) {
      logger.error({ err: error }, 'health check: database unavailable')
      return reply.code(503).send({ success: false, error: { code: 'database_unavailable', message: 'The database is not reachable' } })
    }
  })
  registerOperationsRoutes(app, { database, token: config.metricsToken, maxWorkerLagSeconds: config.maxWorkerLagSeconds })
  app.get('/docs', { schema: { hide: true } }, async () => app.swagger())
  app.get('/docs/json', { schema: { hide: true } }, async () => app.swagger())
  registerConsentRoutes(app, { consents, finishers: { payment: payments.finisher, payout_grant: payouts.grantFinisher } })
  registerPaymentRoutes(app, { payments })
  registerSellerRoutes(app, { sellers })
  registerPayoutRoutes(app, { payouts })
  registerWebhookRoutes(app, { webhooks })
  registerWalletAddressRoutes(app, { openPayments })

  let started = false
  async function start() {
    if (started) return
    started = true
    if (config.seller) await sellers.ensureConfigured(config.seller)
    const workerLogger = logger.child({ component: 'worker' })
    pollers.push(
      createPoller({ name: 'payments', intervalMs: config.worker.pollMs, logger: workerLogger, round: payments.processDue }),
      createPoller({ name: 'payouts', intervalMs: config.worker.pollMs, logger: workerLogger, round: payouts.processDue }),
      createPoller({ name: 'webhooks', intervalMs: config.worker.pollMs, logger: workerLogger, round: webhooks.deliverDue })
    )
    for (const poller of pollers) poller.start()
  }

  return {
    app,
    services: { payments, payouts, sellers, webhooks, openPayments },
    start,
    async listen() {
      await start()
      return app.listen({ port: config.port, host: config.host })
    },
    async stop() {
      await Promise.all(pollers.map((p) => p.stop()))
      pollers.length = 0
      started = false
      await app.close()
      await netGuard.close()
    }
  }
}
