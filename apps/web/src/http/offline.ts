import type { FastifyReply } from 'fastify'

/**
 * The one header by which the server tells the service worker (public/sw.js) what it may keep for reading
 * offline: `page` (one of the person's own pages: home, pending work, their applications, a job they
 * applied to or were chosen for, My money, notices) or `media` (a job's reference file). Everything else —
 * POST answers, /uploads, admin pages, other people's pages — is never stored. offline/hooks.ts drops the
 * mark for anyone not signed in and for failures, and adds the session's cache key beside it.
 */
export const OFFLINE_HEADER = 'x-voces-offline'
/** Every page's answer names the cache its stored copies belong to ('' = no session: drop them all). */
export const CACHE_KEY_HEADER = 'x-voces-cache-key'

export function keepOffline(reply: FastifyReply, what: 'page' | 'media' = 'page'): FastifyReply {
  return reply.header(OFFLINE_HEADER, what)
}
