import { brotliCompressSync, constants as zlib, gzipSync } from 'node:zlib'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { Negotiator } from '@fastify/accept-negotiator'
import { createTtlCache, type TtlCache } from '@voces/platform'

declare module 'fastify' {
  interface FastifyRequest {
    /** Whether this request's page was given a CSRF token (http/context.ts): such a page is this visitor's own. */
    csrfIssued: boolean
  }
  interface FastifyContextConfig {
    /** A page that is the same for every visitor without a session: browse, search, a job's public page. */
    publicPage?: boolean
    /** A POST that changes nothing any public page shows (language, login, notices read): pages stay. */
    keepsPublicPages?: boolean
  }
}

type Encoding = 'br' | 'gzip' | 'identity'
// The same address answers differently with a session, and in another encoding.
const VARY = 'accept-encoding, cookie'
// Longer addresses (made-up query strings) are rendered every time, never remembered: each remembered page
// carries its address twice (the language form, the audio link), and the memory must stay small.
const MAX_URL = 512

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
 * The pages that are the same for everyone without a session — home, browse and search results, a job's
 * public page — rendered, compressed and then served from memory for `ttlMs`: the database, the rendering
 * and the compression are paid once per page and language instead of once per request (issue 14: a
 * visitor's browse page cost ~7 ms of server CPU, from memory ~0.15 ms). Signed-in people never get one of
 * these: their pages carry their name, their notices and their CSRF token; they share only lists (`shared`).
 *
 * Fresh enough by construction: a state change this process answers (a POST that did not fail, unless its
 * route says it changes nothing public) or a scheduler tick that moved something forgets every page, and a
 * page rendered while that happened is not remembered (the generation it started in is gone); another
 * process's change shows within `ttlMs`. Only a page that was given no CSRF token and set no cookie is
 * remembered, so nothing one visitor was given reaches another.
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
  const values = createTtlCache<unknown>({ ttlMs: deps.ttlMs, maxEntries: deps.maxEntries, now: deps.now })
  const negotiator = new Negotiator<Encoding>({ supportedValues: ['br', 'gzip', 'identity'] })
  const enabled = deps.ttlMs > 0
  /** Moves on at every `forget`: what was rendered in an earlier generation may show what is no longer true. */
  let generation = 0
  /** The requests whose page is to be remembered, with the generation they started in. */
  const marked = new WeakMap<FastifyRequest, { key: string; generation: number }>()

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

  /** Any state change: no remembered page or part may show what was true before it. */
  function forget(): void {
    generation++
    pages.clear()
    parts.clear()
    values.clear()
  }

  /**
   * What `cache` holds under `key`, or what `load` answers, kept unless a change was forgotten while it was
   * read (what it read may already be untrue).
   */
  async function remember<T>(cache: TtlCache<T>, key: string, load: () => Promise<T>): Promise<T> {
    const held = cache.peek(key)
    if (held !== undefined) return held
    const started = generation
    const value = await load()
    return started === generation ? cache.set(key, value) : value
  }

  return {
    /**
     * The hooks, installed after the hook that finds who is asking (server.ts). onRequest answers a
     * remembered page before the route runs, or marks the request; onSend — after the cookie plugin wrote
     * its headers, before compression — remembers a marked request's page and sends the remembered bytes.
     */
    install(app: FastifyInstance): void {
      app.addHook('onRequest', async (req, reply) => {
        if (!enabled || req.user || (req.method !== 'GET' && req.method !== 'HEAD') || !req.routeOptions.config?.publicPage) return
        if (req.url.length > MAX_URL) return
        const key = keyOf(req)
        const entry = pages.peek(key)
        if (entry) return send(req, reply, entry)
        marked.set(req, { key, generation })
      })
      app.addHook('onSend', async (req, reply, payload) => {
        if (req.method !== 'GET' && req.method !== 'HEAD' && reply.statusCode < 400 && !req.routeOptions.config?.keepsPublicPages) forget()
        const mark = marked.get(req)
        if (!mark || mark.generation !== generation || reply.statusCode !== 200 || req.csrfIssued || reply.hasHeader('set-cookie') || typeof payload !== 'string') {
          return payload
        }
        const { encoding, body } = encode(req, pages.set(mark.key, { html: Buffer.from(payload), encoded: {} }))
        if (encoding !== 'identity') reply.header('content-encoding', encoding)
        reply.header('vary', VARY)
        return body
      })
    },
    /**
     * A part of a page that is the same for everyone who reads it in this language, time zone and audio
     * languages — browse results for a signed-in person, whose header is hers but whose list is everyone's:
     * rendered (queries and all) once, then shared for `ttlMs` like the public pages. `render` must not
     * read who is asking (give it http/context.ts `everyonesView`).
     */
    async shared(req: FastifyRequest, timeZone: string, render: () => Promise<string>): Promise<string> {
      if (!enabled || req.url.length > MAX_URL) return render()
      return remember(parts, `${keyOf(req)}|${timeZone}`, render)
    },
    /**
     * What everyone may see of one thing, whoever asks (a job's row, ledger and reference file for the job
     * page of a signed-in creator): read once, then shared for `ttlMs` under the same rules as the pages. The
     * value is shared, never to be changed by its readers (it is frozen); `load` must not read who is asking.
     */
    async value<T extends object>(key: string, load: () => Promise<T>): Promise<T> {
      if (!enabled) return load()
      return remember(values, key, async () => Object.freeze(await load())) as Promise<T>
    },
    forget
  }
}

export type PublicPages = ReturnType<typeof createPublicPages>
