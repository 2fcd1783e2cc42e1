import type { FastifyInstance } from 'fastify'
import { checkReadiness, metricsAuthorized, type Database, type Metrics } from '@voces/platform'

/**
 * What an operator's tools ask (docs/operations.md): Prometheus scrapes /metrics with the metrics token
 * (no token configured: 404, as if there were none); a load balancer asks /health/ready and stops
 * sending traffic while the database is unreachable or a worker has fallen behind. /health stays the
 * liveness check: a process that is alive but not ready must not be restarted for it.
 */
export function operationsRoutes(app: FastifyInstance, deps: { metrics: Metrics; database: Database; token: string | undefined; maxWorkerLagSeconds: number }) {
  app.addHook('onResponse', async (req, reply) => {
    // The route's pattern, never the raw URL: one series per route, whatever ids or junk were asked.
    const route = req.routeOptions.url ?? 'unmatched'
    deps.metrics.observeRequest({ method: req.method, route, status: reply.statusCode, seconds: reply.elapsedTime / 1000 })
  })
  app.get('/metrics', async (req, reply) => {
    if (!metricsAuthorized(req.headers.authorization, deps.token)) return reply.code(404).send('Not Found')
    const { contentType, body } = await deps.metrics.render()
    return reply.header('content-type', contentType).header('cache-control', 'no-store').send(body)
  })
  app.get('/health/ready', async (_req, reply) => {
    const readiness = await checkReadiness({ database: deps.database, metrics: deps.metrics, maxLagSeconds: deps.maxWorkerLagSeconds })
    return reply.code(readiness.ready ? 200 : 503).header('cache-control', 'no-store').send(readiness)
  })
}
