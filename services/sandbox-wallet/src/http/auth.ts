import type { FastifyRequest } from 'fastify'

/** The token of an `Authorization: GNAP <token>` header. */
export function gnapToken(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization
  const match = header ? /^GNAP\s+(\S+)$/i.exec(header) : null
  return match?.[1]
}
