import { timingSafeEqual, createHash } from 'node:crypto'
import type { FastifyInstance } from 'fastify'
import type { ErrorBody } from '@voces/payments-contract'

/**
 * Routes a browser or a load balancer reaches without the marketplace's token. /metrics checks its own
 * token (METRICS_TOKEN): Prometheus must not hold the key to the payments API.
 */
export const PUBLIC_ROUTES = new Set(['/payments/finish', '/health', '/health/ready', '/metrics', '/docs', '/docs/json'])

/** Every route but the public ones needs `Authorization: Bearer <PAYMENTS_API_TOKEN>`. */
export function registerBearerAuth(app: FastifyInstance, apiToken: string): void {
  const expected = createHash('sha256').update(apiToken).digest()
  app.addHook('onRequest', async (request, reply) => {
    if (request.routeOptions.url && PUBLIC_ROUTES.has(request.routeOptions.url)) return
    const header = request.headers.authorization ?? ''
    const match = /^Bearer\s+(.+)$/i.exec(header)
    // Compare digests so the comparison takes the same time whatever the length of the guess.
    const given = createHash('sha256').update(match?.[1] ?? '').digest()
    if (!match || !timingSafeEqual(given, expected)) {
      return reply
        .code(401)
        .header('www-authenticate', 'Bearer')
        .send({ success: false, error: { code: 'unauthorized', message: 'A valid bearer token is required' } } satisfies ErrorBody)
    }
  })
}
