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
