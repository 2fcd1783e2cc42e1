import type { FastifyInstance } from 'fastify'

/**
 * Graceful stop for a Fastify app. close() stops accepting, answers 503 to new requests and waits for the
 * ones in flight; but a keep-alive connection whose request was in flight stays open after its answer
 * until the keep-alive timeout (Fastify's 72 s), and close() waits for it. While closing, every answer
 * says `Connection: close`, so each connection ends with its last answer and close() returns as soon as
 * the last request in flight is answered.
 */
export function endConnectionsWhileClosing(app: FastifyInstance): void {
  let closing = false
  app.addHook('preClose', async () => {
    closing = true
  })
  app.addHook('onSend', async (_req, reply, payload) => {
    if (closing) reply.header('connection', 'close')
    return payload
  })
}
