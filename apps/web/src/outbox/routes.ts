import type { FastifyInstance } from 'fastify'
import { createReadStream } from 'node:fs'
import { SW_OUTBOX_JS } from './views/outbox.tsx'

/**
 * The service worker imports the queue's sender from the site's root (`importScripts('/sw-outbox.js')`
 * in public/sw.js): served here without a long cache, so a new version reaches the worker at its next check.
 */
export function outboxRoutes(app: FastifyInstance): void {
  app.get('/sw-outbox.js', (_req, reply) =>
    reply.header('content-type', 'text/javascript; charset=utf-8').header('cache-control', 'no-cache').send(createReadStream(SW_OUTBOX_JS))
  )
}
