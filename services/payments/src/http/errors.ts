import type { FastifyError, FastifyInstance, FastifyReply } from 'fastify'
import type { Logger } from '@voces/platform'
import type { ErrorBody } from '@voces/payments-contract'
import { errorStatus, type Failure } from '../errors.ts'

export { errorStatus }

export function sendFailure(reply: FastifyReply, failure: Failure): FastifyReply {
  const body: ErrorBody = {
    success: false,
    error: {
      code: failure.failure,
      message: failure.message,
      ...(failure.step ? { step: failure.step } : {}),
      ...(failure.reason ? { reason: failure.reason } : {})
    }
  }
  // A code read back from the database may predate this map; it is still a wallet-side failure.
  return reply.code(errorStatus[failure.failure] ?? 502).send(body)
}

/** Validation errors become 400 invalid_request; anything unexpected is logged and answered 500 with nothing leaked. */
export function registerErrorHandling(app: FastifyInstance, logger: Logger): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error.validation) {
      return reply.code(400).send({
        success: false,
        error: { code: 'invalid_request', message: `${error.validationContext ?? 'request'} ${error.message}` }
      } satisfies ErrorBody)
    }
    if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) {
      // Malformed JSON, body too large, wrong content type: the client's fault, described by Fastify.
      return reply.code(error.statusCode).send({
        success: false,
        error: { code: 'invalid_request', message: error.message }
      } satisfies ErrorBody)
    }
    logger.error({ err: error, method: request.method, url: request.routeOptions.url, reqId: request.id }, 'unhandled error')
    return reply.code(500).send({
      success: false,
      error: { code: 'internal_error', message: 'Something went wrong on our side. It has been logged.' }
    } satisfies ErrorBody)
  })
  app.setNotFoundHandler((_request, reply) =>
    reply.code(404).send({ success: false, error: { code: 'not_found', message: 'No such route' } } satisfies ErrorBody)
  )
}
