import type { FastifyInstance } from 'fastify'
import { readFileSync } from 'node:fs'
import { workerScript } from '../http/offline.ts'
import { SW_OUTBOX_JS } from './views/outbox.tsx'

/**
 * The service worker imports the queue's sender from the site's root (`importScripts('/sw-outbox.js')`
 * in public/sw.js): served here without a long cache, so a new version reaches the worker at its next check
 * (read once, with an ETag: unchanged, the check is a 304).
 */
export function outboxRoutes(app: FastifyInstance): void {
  app.get('/sw-outbox.js', workerScript(readFileSync(SW_OUTBOX_JS, 'utf8')))
}
