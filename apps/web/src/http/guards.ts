import type { FastifyReply, FastifyRequest } from 'fastify'
import type { User } from '../domain/user.ts'
import { errorPage } from './render.tsx'

/** The signed-in user, or a redirect to the login page (returns null; the caller returns the reply). */
export function requireUser(req: FastifyRequest, reply: FastifyReply): User | null {
  if (req.user) return req.user
  void reply.redirect(`/login?next=${encodeURIComponent(req.url)}`, 303)
  return null
}

/**
 * The signed-in administrator, or the 404 page (returns null; the caller returns the reply).
 * Anyone else, signed in or not, cannot tell an admin route exists.
 */
export function requireAdmin(req: FastifyRequest, reply: FastifyReply): User | null {
  if (req.user?.isAdmin && !req.user.disabled) return req.user
  void errorPage(req, reply, 'not_found')
  return null
}

/**
 * Whether the browser says this POST comes from one of our own pages: Fetch Metadata (`Sec-Fetch-Site`),
 * else the Origin header, else the Referer (older phone browsers send no Origin on a same-origin form; our
 * Referrer-Policy keeps it for our own pages) — an origin that is the site's public address (`baseUrl`) or
 * the one this request was sent to (scheme and host, as a proxy forwards them). A page on another site
 * cannot make a browser say any of them, so this proves what a CSRF token proves, for a form that a page
 * without a session carries (the language switch: such pages hold no token, so that they are the same for
 * everyone).
 */
export function fromOwnPage(req: FastifyRequest, baseUrl: string): boolean {
  const site = req.headers['sec-fetch-site']
  if (site) return site === 'same-origin'
  const own = new Set([new URL(baseUrl).origin, `${req.protocol}://${req.host}`])
  const ours = (value: string | undefined) => {
    if (!value) return undefined
    try {
      return own.has(new URL(value).origin)
    } catch {
      return false
    }
  }
  return ours(req.headers.origin) ?? ours(req.headers.referer) ?? false
}
