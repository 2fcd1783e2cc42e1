import type { FastifyInstance } from 'fastify'
import { z } from 'zod'

export const faultsSchema = z.object({
  /** Added to every matching request, before it is handled. */
  latencyMs: z.number().int().min(0).max(60_000).default(0),
  /** Share of matching requests answered 503 without being handled. */
  errorRate: z.number().min(0).max(1).default(0),
  /** Share of matching requests handled in full whose response is then lost (the socket is closed). */
  dropRate: z.number().min(0).max(1).default(0),
  /** Path prefixes to affect (e.g. ["/quotes"]); all Open Payments paths when empty. */
  paths: z.array(z.string()).default([])
})

export type Faults = z.infer<typeof faultsSchema>

const EXEMPT = ['/admin', '/interact', '/health']

/** Fault injection for reliability tests: latency, errors and lost responses on chosen paths. */
export function registerFaults(app: FastifyInstance, faults: { current: Faults }): void {
  const applies = (url: string) => {
    if (EXEMPT.some((p) => url.startsWith(p))) return false
    const paths = faults.current.paths
    return paths.length === 0 || paths.some((p) => url.startsWith(p))
  }
  app.addHook('onRequest', async (request, reply) => {
    const { latencyMs, errorRate } = faults.current
    if (!applies(request.url)) return
    if (latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, latencyMs))
    if (errorRate > 0 && Math.random() < errorRate) {
      request.log.warn('injected fault: error')
      await reply.code(503).send({ error: { code: 'service_unavailable', description: 'Injected fault' } })
    }
  })
  app.addHook('onSend', async (request, reply, payload) => {
    if (faults.current.dropRate > 0 && applies(request.url) && reply.statusCode < 500 && Math.random() < faults.current.dropRate) {
      request.log.warn('injected fault: response dropped')
      request.raw.socket.destroy()
    }
    return payload
  })
}
