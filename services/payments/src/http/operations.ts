import type { FastifyInstance } from 'fastify'
import { sql } from 'drizzle-orm'
import { checkReadiness, createMetrics, metricsAuthorized, type Database } from '@voces/platform'

/**
 * What an operator's tools ask (docs/operations.md): Prometheus scrapes /metrics with METRICS_TOKEN
 * (404 without one); a load balancer asks /health/ready, which fails while the database is unreachable
 * or a worker has fallen behind. /health stays the liveness check.
 */
export function registerOperationsRoutes(app: FastifyInstance, deps: { database: Database; token: string | undefined; maxWorkerLagSeconds: number }) {
  const metrics = createMetrics({
    service: 'payments',
    database: deps.database,
    queues: [
      { queue: 'payments.payments', table: sql`payments.payments`, ready: sql`state in ('starting', 'awaiting_consent', 'authorized', 'sending', 'needs_review')` },
      { queue: 'payments.payouts', table: sql`payments.payouts`, ready: sql`state in ('pending', 'sending', 'needs_review')` },
      { queue: 'payments.webhooks', table: sql`payments.webhook_events`, ready: sql`delivered_at is null` }
    ],
    states: [
      { kind: 'payment', query: sql`select state as key, count(*) as n from payments.payments group by 1` },
      { kind: 'payout', query: sql`select state as key, count(*) as n from payments.payouts group by 1` },
      { kind: 'webhook', query: sql`select case when delivered_at is null then 'pending' else 'delivered' end as key, count(*) as n from payments.webhook_events group by 1` }
    ],
    failures: [
      { kind: 'payment', query: sql`select failure_code as key, count(*) as n from payments.payments where state in ('failed', 'rejected', 'expired') group by 1` },
      { kind: 'payout', query: sql`select failure_code as key, count(*) as n from payments.payouts where state = 'failed' group by 1` }
    ]
  })
  app.addHook('onResponse', async (req, reply) => {
    // The route's pattern, never the raw URL: one series per route, whatever ids were asked.
    metrics.observeRequest({ method: req.method, route: req.routeOptions.url ?? 'unmatched', status: reply.statusCode, seconds: reply.elapsedTime / 1000 })
  })
  app.get('/metrics', { schema: { hide: true } }, async (req, reply) => {
    if (!metricsAuthorized(req.headers.authorization, deps.token)) return reply.code(404).send({ success: false, error: { code: 'not_found', message: 'Not found' } })
    const { contentType, body } = await metrics.render()
    return reply.header('content-type', contentType).header('cache-control', 'no-store').send(body)
  })
  app.get('/health/ready', { schema: { summary: 'Readiness: database reachable and workers keeping up', tags: ['service'] } }, async (_req, reply) => {
    const readiness = await checkReadiness({ database: deps.database, metrics, maxLagSeconds: deps.maxWorkerLagSeconds })
    return reply.code(readiness.ready ? 200 : 503).header('cache-control', 'no-store').send(readiness)
  })
}
