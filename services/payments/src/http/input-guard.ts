import type { FastifyInstance } from 'fastify'
import type { ErrorBody } from '@voces/payments-contract'

/** C0 control characters and DEL: no identifier, URL, amount or reference of this API contains one. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u001f\u007f]/

function firstControl(value: unknown, path: string): string | undefined {
  if (typeof value === 'string') return CONTROL.test(value) ? path : undefined
  if (Array.isArray(value)) {
    for (const [i, item] of value.entries()) {
      const found = firstControl(item, `${path}[${i}]`)
      if (found) return found
    }
    return undefined
  }
  if (value && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      const found = firstControl(item, path ? `${path}.${key}` : key)
      if (found) return found
    }
  }
  return undefined
}

/**
 * The one place every input of this service is checked for control characters (a NUL byte reached
 * PostgreSQL and answered 500): path parameters, query string and JSON body, before validation and
 * before any handler. Refused with 400 invalid_request naming the field; nothing is changed.
 */
export function registerInputGuard(app: FastifyInstance): void {
  app.addHook('preValidation', async (request, reply) => {
    const field = firstControl(request.params, 'params') ?? firstControl(request.query, 'query') ?? firstControl(request.body, 'body')
    if (!field) return
    return reply.code(400).send({
      success: false,
      error: { code: 'invalid_request', message: `${field} contains a control character (such as a NUL byte), which no field of this API accepts` }
    } satisfies ErrorBody)
  })
}
