import type { FastifyReply, FastifyRequest } from 'fastify'
import type { User, UiLanguage } from '../users/model.ts'
import { translator, type T } from '../i18n/index.ts'

declare module 'fastify' {
  interface FastifyRequest {
    user: User | null
    lang: UiLanguage
  }
  interface FastifyContextConfig {
    /** Routes that authenticate otherwise (the webhook receiver) skip the CSRF check. */
    skipCsrf?: boolean
  }
}

/** What every view needs: the translator, who is looking, and the CSRF token for its forms. */
export interface ViewCtx {
  t: T
  lang: UiLanguage
  user: User | null
  csrf: string
  path: string
}

export function viewCtx(req: FastifyRequest, reply: FastifyReply): ViewCtx {
  return {
    t: translator(req.lang),
    lang: req.lang,
    user: req.user,
    csrf: reply.generateCsrf(),
    path: req.url
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
