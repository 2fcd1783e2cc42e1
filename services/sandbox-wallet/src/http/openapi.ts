import type { FastifyInstance, FastifyReply, FastifyRequest, RouteGenericInterface, RouteShorthandOptions } from 'fastify'
import {
  getAuthServerOpenAPI,
  getResourceServerOpenAPI,
  getWalletAddressServerOpenAPI
} from '@interledger/open-payments'
import { isValidationError, type OpenAPI, type HttpMethod } from '@interledger/openapi'
import type { Logger } from '@voces/platform'
import { sendSpecViolation } from './errors.ts'

export type SpecName = 'auth' | 'resource' | 'walletAddress'

/**
 * Requests whose answer is not checked against the response spec. Rafiki's validator checks a
 * response only when the handlers after it return normally; a refusal thrown by a middleware (the
 * request validator itself, the signature check) reaches the client unchecked, even where the spec
 * does not list it: the auth server's `{error: {description}}` fails its own `oneOf`, and POST
 * /token/{id} lists no 400 invalid_client.
 */
const unchecked = new WeakSet<FastifyRequest>()

export interface OpenApiValidators {
  /** Route options that validate this route's request and response against the official spec. */
  route<R extends RouteGenericInterface>(spec: SpecName, path: string, method: string): RouteShorthandOptions<
    import('fastify').RawServerDefault,
    import('node:http').IncomingMessage,
    import('node:http').ServerResponse,
    R
  >
  /** Leaves this request's answer unchecked: a refusal Rafiki's middlewares send past its validator. */
  skipResponseCheck(request: FastifyRequest): void
}

/**
 * Validates the sandbox's own requests and responses against the OpenAPI specs bundled in the SDK,
 * as Rafiki does outside production. A response that fails its spec is a sandbox bug: it is logged
 * and answered 500 so that tests fail loudly instead of a client quietly accepting a wrong body.
 */
export async function createOpenApiValidators(deps: { enabled: boolean; logger: Logger }): Promise<OpenApiValidators> {
  const specs: Record<SpecName, OpenAPI> | undefined = deps.enabled
    ? {
        auth: await getAuthServerOpenAPI(),
        resource: await getResourceServerOpenAPI(),
        walletAddress: await getWalletAddressServerOpenAPI()
      }
    : undefined

  return {
    skipResponseCheck: (request) => unchecked.add(request),
    route(spec, path, method) {
      if (!specs) return {}
      const options = { path, method: method.toLowerCase() as HttpMethod }
      const validateRequest = specs[spec].createRequestValidator(options)
      const validateResponse = specs[spec].createResponseValidator(options)
      return {
        // Rafiki's createValidatorMiddleware (@interledger/openapi) runs first on every route, before
        // the token and the signature are looked at: an unsigned request to a route whose spec
        // requires `Signature` is a 400 here, never a 401.
        async preHandler(request: FastifyRequest, reply: FastifyReply) {
          const server = spec === 'auth' ? 'auth' : 'resource'
          if (!acceptsJson(request.headers.accept)) {
            unchecked.add(request)
            return sendSpecViolation(reply, server, 406, 'Must accept application/json')
          }
          try {
            validateRequest({ headers: request.headers, body: request.body, query: request.query, params: request.params })
          } catch (error) {
            if (!isValidationError(error)) throw error
            unchecked.add(request)
            return sendSpecViolation(reply, server, error.status ?? 400, error.errors[0]?.message ?? 'invalid request')
          }
        },
        config: {
          openApiResponse(status: number, body: unknown) {
            try {
              validateResponse({ status, body })
              return undefined
            } catch (error) {
              if (!isValidationError(error)) throw error
              // Statuses the spec does not list for this operation must still carry the error shape.
              if (error.errors.some((e) => e.message.startsWith('An unknown status code')) && status >= 400) {
                return isErrorBody(body) ? undefined : 'error responses must be {error: {code, description}}'
              }
              return error.errors.map((e) => e.message).join('; ')
            }
          }
        }
      } as RouteShorthandOptions as never
    }
  }
}

/** Registers the hook that checks every JSON response of a validated route. */
export function registerResponseValidation(app: FastifyInstance, logger: Logger): void {
  app.addHook('onSend', async (request, reply, payload) => {
    const check = (request.routeOptions.config as { openApiResponse?: (s: number, b: unknown) => string | undefined })
      .openApiResponse
    if (!check || typeof payload !== 'string' || reply.statusCode >= 500 || unchecked.has(request)) return payload
    const body = payload.length > 0 ? JSON.parse(payload) : undefined
    const problem = check(reply.statusCode, body)
    if (!problem) return payload
    logger.error({ url: request.url, status: reply.statusCode, problem, body }, 'sandbox response violates the Open Payments spec')
    reply.code(500)
    return JSON.stringify({ error: { code: 'invalid_response', description: `Response violates the OpenAPI spec: ${problem}` } })
  })
}

function isErrorBody(body: unknown): boolean {
  const error = (body as { error?: { code?: unknown; description?: unknown } } | undefined)?.error
  return typeof error?.code === 'string' && typeof error.description === 'string'
}

/** Koa's `ctx.accepts('application/json')`, which Rafiki's validator asks first: no Accept header accepts anything. */
export function acceptsJson(accept: string | undefined): boolean {
  if (!accept) return true
  return accept.split(',').some((range) => {
    const [type = '', ...params] = range.trim().toLowerCase().split(';')
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='))
    if (q !== undefined && Number(q.slice(2)) === 0) return false
    return ['application/json', 'application/*', '*/*'].includes(type.trim())
  })
}
