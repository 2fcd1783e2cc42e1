import { brotliCompressSync, constants as zlib, gzipSync } from 'node:zlib'
import type { FastifyReply, FastifyRequest } from 'fastify'
import { Negotiator } from '@fastify/accept-negotiator'
import { createTtlCache } from '@voces/platform'

declare module 'fastify' {
  interface FastifyRequest {
    /** Set when this answer may be remembered for visitors without a session (a public page's miss). */
    publicPageKey: string | null
    /** Whether this request's page was given a CSRF token (http/context.ts): such a page is this visitor's own. */
    csrfIssued: boolean
  }
  interface FastifyContextConfig {
    /** A page that is the same for every visitor without a session: browse, search, a job's public page. */
    publicPage?: boolean
  }
}

type Encoding = 'br' | 'gzip' | 'identity'
// The same address answers differently with a session, and in another encoding.
const VARY = 'accept-encoding, cookie'

/** One remembered page: its HTML, and each compressed form once somebody asked for it. */
interface Entry {
  html: Buffer
  encoded: Partial<Record<Encoding, Buffer>>
}

// The same qualities as the compression plugin uses for every other page (server.ts): a miss costs no more than before.
const COMPRESS: Record<Exclude<Encoding, 'identity'>, (html: Buffer) => Buffer> = {
  br: (html) => brotliCompressSync(html, { params: { [zlib.BROTLI_PARAM_QUALITY]: 5, [zlib.BROTLI_PARAM_SIZE_HINT]: html.length } }),
  gzip: (html) => gzipSync(html, { level: 6 })
}

/**
 * The pages that are the same for everyone without a session — browse and search results, a job's public
 * page — rendered, compressed and then served from memory for `ttlMs`: the database, the rendering and the
 * compression are paid once per page and language instead of once per request (issue 14: a visitor's
 * browse page cost ~6 ms of CPU, the same bytes from memory ~0.3 ms). Signed-in people never get one of
 * these: their pages carry their name, their notices and their CSRF token.
 *
 * Fresh enough by construction: any state change this process answers (a POST that did not fail) forgets
 * every page, and another process's change shows within `ttlMs`. Only a page that was given no CSRF token
 * and set no cookie is remembered, so nothing one visitor was given reaches another.
 */
export function createPublicPages(deps: {
  ttlMs: number
  maxEntries: number
  now: () => number
  /** What else a page depends on besides its address and language: the speakers' audio languages. */
  variant: (req: FastifyRequest) => string
}) {
  const pages = createTtlCache<Entry>({ ttlMs: deps.ttlMs, maxEntries: deps.maxEntries, now: deps.now })
  const parts = createTtlCache<string>({ ttlMs: deps.ttlMs, maxEntries: deps.maxEntries, now: deps.now })
  const negotiator = new Negotiator<Encoding>({ supportedValues: ['br', 'gzip', 'identity'] })
  const enabled = deps.ttlMs > 0

  const keyOf = (req: FastifyRequest) => `${req.lang}|${deps.variant(req)}|${req.url}`

  function encode(req: FastifyRequest, entry: Entry): { encoding: Encoding; body: Buffer } {
    const accepted = req.headers['accept-encoding']
    const encoding = (typeof accepted === 'string' && negotiator.negotiate(accepted)) || 'identity'
    return { encoding, body: encoding === 'identity' ? entry.html : (entry.encoded[encoding] ??= COMPRESS[encoding](entry.html)) }
  }

  function send(req: FastifyRequest, reply: FastifyReply, entry: Entry): FastifyReply {
    const { encoding, body } = encode(req, entry)
    if (encoding !== 'identity') reply.header('content-encoding', encoding)
    return reply.status(200).header('vary', VARY).header('cache-control', 'no-store').type('text/html; charset=utf-8').send(body)
  }

  return {
    /**
     * onRequest, once the visitor is known: answers a remembered page, or marks the request so that its
     * page is remembered (`remember`). Undefined when the route goes on.
     */
    serve(req: FastifyRequest, reply: FastifyReply): FastifyReply | undefined {
      if (!enabled || req.user || (req.method !== 'GET' && req.method !== 'HEAD') || !req.routeOptions.config?.publicPage) return undefined
      const key = keyOf(req)
      const entry = pages.peek(key)
      if (entry) return send(req, reply, entry)
      req.publicPageKey = key
      return undefined
    },
    /**
     * onSend, after the cookie plugin wrote its headers and before compression: a marked request's page is
     * remembered and its answer becomes the remembered bytes (compressed here, so the plugin leaves them).
     */
    remember(req: FastifyRequest, reply: FastifyReply, payload: unknown): unknown {
      if (!req.publicPageKey || reply.statusCode !== 200 || req.csrfIssued || reply.hasHeader('set-cookie') || typeof payload !== 'string') return payload
      const entry = pages.set(req.publicPageKey, { html: Buffer.from(payload), encoded: {} })
      const { encoding, body } = encode(req, entry)
      if (encoding !== 'identity') reply.header('content-encoding', encoding).header('vary', VARY)
      return body
    },
    /**
     * A part of a page that is the same for everyone who reads it in this language, time zone and audio
     * languages — browse results for a signed-in person, whose header is hers but whose list is everyone's:
     * rendered (queries and all) once, then shared for `ttlMs` like the public pages.
     */
    shared(req: FastifyRequest, timeZone: string, render: () => Promise<string>): Promise<string> {
      return enabled ? parts.get(`${keyOf(req)}|${timeZone}`, render) : render()
    },
    /** Any state change: no remembered page or part may show what was true before it. */
    forget(): void {
      pages.clear()
      parts.clear()
    }
  }
}

export type PublicPages = ReturnType<typeof createPublicPages>
