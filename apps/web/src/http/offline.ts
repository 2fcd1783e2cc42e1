import { createHash } from 'node:crypto'
import type { FastifyReply, FastifyRequest } from 'fastify'

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

/**
 * The service worker's own scripts (/sw.js and what it imports): `no-cache`, so the browser asks at every update
 * check (each navigation), with an ETag, so that the answer is a 304 of a few hundred bytes while they have not
 * changed — on 2G the full scripts were most of a repeat visit's bytes (bench:page).
 */
export function workerScript(body: string): (req: FastifyRequest, reply: FastifyReply) => FastifyReply {
  const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"`
  return (req, reply) => {
    reply.type('text/javascript; charset=utf-8').header('cache-control', 'no-cache').header('etag', etag)
    return req.headers['if-none-match'] === etag ? reply.code(304).send() : reply.send(body)
  }
}
