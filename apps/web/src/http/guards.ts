import type { FastifyReply, FastifyRequest } from 'fastify'
import type { User } from '../users/model.ts'

/** The signed-in user, or a redirect to the login page (returns null; the caller returns the reply). */
export function requireUser(req: FastifyRequest, reply: FastifyReply): User | null {
  if (req.user) return req.user
  void reply.redirect(`/login?next=${encodeURIComponent(req.url)}`, 303)
  return null
}
