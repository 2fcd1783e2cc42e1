import type { FastifyInstance } from 'fastify'
import { SANDBOX_ERRORS, sendSpecViolation } from './errors.ts'
import type { OpenApiValidators } from './openapi.ts'

// Identifiers, query values and URLs never hold a control character; body text may hold tab and line
// breaks (a description, metadata), never the rest: PostgreSQL refuses NUL in text and jsonb (a 500).
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u001f\u007f]/
// eslint-disable-next-line no-control-regex
const CONTROL_IN_TEXT = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/

function firstControl(value: unknown, pattern: RegExp, path: string): string | undefined {
  if (typeof value === 'string') return pattern.test(value) ? path : undefined
  if (value && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      // Keys too: a key with NUL reaches jsonb as much as a value does.
      const found = pattern.test(key) ? `${path}.${key}` : firstControl(item, pattern, `${path}.${key}`)
      if (found) return found
    }
  }
  return undefined
}

/**
 * The one place every input of the sandbox is checked for control characters (a NUL byte in a
 * wallet address name, a path or a body answered 500): path parameters, query string and body, before
 * validation and before any handler. Refused as Rafiki's request validator refuses a malformed
 * request (400, in the auth or resource server's words); the admin API answers 400 invalid_request.
 */
export function registerInputGuard(app: FastifyInstance, openApi: OpenApiValidators): void {
  app.addHook('preValidation', async (request, reply) => {
    const field =
      firstControl(request.params, CONTROL, 'params') ?? firstControl(request.query, CONTROL, 'query') ?? firstControl(request.body, CONTROL_IN_TEXT, 'body')
    if (!field) return
    const message = `${field} contains a control character (such as a NUL byte)`
    if (request.url.startsWith('/admin')) return reply.code(400).send({ error: { code: SANDBOX_ERRORS.invalid_request.code, description: message } })
    openApi.skipResponseCheck(request)
    return sendSpecViolation(reply, request.url.startsWith('/auth') ? 'auth' : 'resource', 400, message)
  })
}
