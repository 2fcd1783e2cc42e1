import type { FastifyInstance } from 'fastify'
import { sql } from 'drizzle-orm'
import { createMetrics, type Database } from '@voces/platform'
import type { WebDeps, WebServices } from './services.ts'
import { operationsRoutes } from './http/operations.ts'
import { uploadRoutes } from './media/uploads.ts'
import { userRoutes } from './users/routes.tsx'
import { mediaRoutes } from './media/routes.tsx'
import { jobRoutes } from './jobs/routes.tsx'
import { applicationRoutes } from './applications/routes.tsx'
import { submissionRoutes } from './submissions/routes.tsx'
import { disputeRoutes } from './disputes/routes.tsx'
import { fundingRoutes } from './funding/routes.tsx'
import { payoutRoutes } from './payouts/routes.tsx'
import { audioRoutes } from './audio/routes.tsx'
import { outboxRoutes } from './outbox/routes.ts'
import { webhookRoutes } from './payments-client/webhooks.ts'
import { jobPageRoutes } from './pages/job/routes.tsx'
import { jobConfirmRoutes } from './pages/job/confirm.tsx'
import { dashboardRoutes } from './pages/dashboard/routes.tsx'
import { createAdminService } from './pages/admin/service.ts'
import { adminRoutes } from './pages/admin/routes.tsx'
import { noticeRoutes } from './notices/routes.tsx'
import { testWalletProfile, testWalletRoutes } from './test-wallet/routes.tsx'
import { offlineRoutes } from './offline/routes.tsx'

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

/** Every route of the web app: operations, then each feature's, then the pages that assemble several features. */
export async function registerRoutes(app: FastifyInstance, deps: WebDeps, services: WebServices): Promise<void> {
  const { config, database } = deps
  const { testWallets } = services
  app.get('/health', async () => ({ ok: true }))
  offlineRoutes(app, { cookieSecret: config.cookieSecret, deadlineMs: config.offlineDeadlineMs })
  operationsRoutes(app, { metrics: webMetrics(database), database, token: config.metricsToken, maxWorkerLagSeconds: config.maxWorkerLagSeconds })
  // Browsers ask for it on every first visit; an empty answer they may keep costs less than the 404 page.
  app.get('/favicon.ico', (_req, reply) => reply.code(204).header('cache-control', 'public, max-age=604800').send())
  userRoutes(app, {
    users: services.users,
    sessions: services.sessions,
    media: services.media,
    secureCookies: config.secureCookies,
    // Read at each request: tests listening on port 0 learn their base URL only after start.
    baseUrl: () => config.baseUrl,
    loginRateLimit: config.loginRateLimit,
    profileExtra: testWallets ? testWalletProfile(testWallets) : undefined
  })
  if (testWallets) testWalletRoutes(app, { testWallets })
  mediaRoutes(app, services.media)
  await uploadRoutes(app, { media: services.media, maxUploadBytes: config.maxUploadBytes })
  jobRoutes(app, {
    ...services,
    assetCode: config.asset.code,
    escrowStates: (list) => services.payouts.escrowStates(list),
    shared: (req, timeZone, render) => services.publicPages.shared(req, timeZone, render)
  })
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
  jobPageRoutes(app, { ...services, everyones: (key, load) => services.publicPages.value(key, load) })
  jobConfirmRoutes(app, services)
  dashboardRoutes(app, services)
  const admin = createAdminService({ db: database.db, payments: deps.paymentsClient, fundings: services.fundings, payouts: services.payouts })
  adminRoutes(app, { admin, assetCode: config.asset.code, baseUrl: () => config.baseUrl })
  noticeRoutes(app, { notices: services.notices })
}
