import type { FastifyReply, FastifyRequest } from 'fastify'
import type { User } from '../domain/user.ts'
import type { UiLanguage } from '../domain/languages.ts'
import type { Recordings, ViewCtx } from '../views/context.ts'
import { translator } from '../i18n/index.ts'
import { DEFAULT_TIME_ZONE } from '../domain/time-zones.ts'

declare module 'fastify' {
  interface FastifyRequest {
    user: User | null
    /** The signed-in user's unread notices (the header's count); app.ts sets it with the session lookup. */
    unreadNotices: number
    lang: UiLanguage
    /** The recordings behind this request's speaker buttons; app.ts sets it (audio/recordings.ts). */
    recordings: Recordings | null
    /** What this request's CSRF tokens are bound to: the session (hashed), 'no-session' without one; app.ts sets it. */
    csrfBinding: string
  }
  interface FastifyContextConfig {
    /** Routes that authenticate otherwise (the webhook receiver) skip the CSRF check. */
    skipCsrf?: boolean
  }
}

const noRecordings: Recordings = async () => undefined

export function viewCtx(req: FastifyRequest, reply: FastifyReply): ViewCtx {
  let csrf: string | undefined
  return {
    t: translator(req.lang),
    lang: req.lang,
    timeZone: req.user?.timeZone ?? DEFAULT_TIME_ZONE,
    user: req.user,
    unreadNotices: req.unreadNotices,
    // Made only when a form asks: a page without one is the same for every visitor without a session and
    // may be served to all of them (http/public-pages.ts), and sets no CSRF cookie.
    get csrf() {
      req.csrfIssued = true
      return (csrf ??= reply.generateCsrf({ userInfo: req.csrfBinding }))
    },
    path: req.url,
    // Only a request that failed before the app's first hook has none: its speakers use speech synthesis.
    recordings: req.recordings ?? noRecordings
  }
}

/**
 * The view of a part shared by everyone who reads it alike (http/public-pages.ts `shared`): nobody is
 * signed in, and a form inside it would be a mistake — its token would reach everyone — so asking for
 * one fails the page.
 */
export function everyonesView(ctx: ViewCtx): ViewCtx {
  return {
    t: ctx.t,
    lang: ctx.lang,
    timeZone: ctx.timeZone,
    user: null,
    unreadNotices: 0,
    path: ctx.path,
    recordings: ctx.recordings,
    get csrf(): string {
      throw new Error('a part shared by everyone may not hold a form (its CSRF token would reach everyone)')
    }
  }
}

/**
 * Only a local path may be a redirect target: one leading `/`, no scheme, no host, no backslash and no
 * control character (browsers drop tabs and newlines, so `/\t/evil.example` would become `//evil.example`).
 */
export function safeLocalPath(value: unknown, fallback = '/'): string {
  if (typeof value !== 'string') return fallback
  // eslint-disable-next-line no-control-regex
  if (!value.startsWith('/') || value.startsWith('//') || /[\x00-\x1f\x7f\\]/.test(value)) return fallback
  try {
    if (new URL(value, 'http://x').origin !== 'http://x') return fallback
  } catch {
    return fallback
  }
  return value
}
