import type { FastifyReply } from 'fastify'

/**
 * Every expected failure of the sandbox, with the HTTP status and Open Payments / GNAP error code
 * it is answered with (the mapping follows Rafiki). A complete map, so none can be forgotten.
 */
export const SANDBOX_ERRORS = {
  unauthorized: { status: 401, code: 'unauthorized', description: 'Missing or invalid access token' },
  invalid_request: { status: 400, code: 'invalid_request', description: 'Invalid request' },
  unknown_wallet_address: { status: 400, code: 'invalid_request', description: 'Unknown wallet address' },
  wallet_address_exists: { status: 409, code: 'conflict', description: 'Wallet address already exists' },
  unsupported_asset: { status: 400, code: 'invalid_request', description: 'Unsupported asset' },
  interaction_required: { status: 400, code: 'invalid_request', description: "missing required request field 'interact'" },
  identifier_required: { status: 400, code: 'invalid_request', description: 'Outgoing payment access requires an identifier' },
  // GNAP auth server: statuses, codes and messages as Rafiki's packages/auth (grant/routes.ts,
  // signature/middleware.ts, accessToken/routes.ts) answers them.
  // A signature made with a key the client's JWKS lacks (or a JWKS that cannot be fetched) names no
  // client: 400, where every other signature problem is 401.
  unknown_client: { status: 400, code: 'invalid_client', description: 'could not determine client' },
  invalid_signature_headers: { status: 401, code: 'invalid_client', description: 'invalid signature headers' },
  invalid_signature_input: { status: 401, code: 'invalid_client', description: 'invalid signature input' },
  invalid_signature: { status: 401, code: 'invalid_client', description: 'invalid signature' },
  too_fast: { status: 400, code: 'too_fast', description: 'continued grant faster than "wait" period' },
  invalid_continuation: { status: 401, code: 'invalid_continuation', description: 'invalid grant' },
  unknown_continuation: { status: 404, code: 'invalid_continuation', description: 'grant not found' },
  interact_ref_required: { status: 401, code: 'invalid_request', description: 'missing interaction reference' },
  request_denied: { status: 401, code: 'request_denied', description: 'request denied' },
  invalid_rotation: { status: 404, code: 'invalid_rotation', description: 'invalid access token' },
  unknown_token: { status: 401, code: 'invalid_client', description: 'invalid access token' },
  not_found: { status: 404, code: 'not_found', description: 'Not found' },
  // Resource server: Rafiki's OpenPaymentsServerRouteError (backend open_payments/route-errors.ts)
  // answers `{error: {code: '<status>', description, details?}}`; descriptions are Rafiki's messages
  // (auth/middleware.ts, wallet_address/middleware.ts and each resource's errors.ts and routes.ts).
  rs_missing_token: { status: 401, code: '401', description: 'Missing or invalid authorization header value' },
  // Introspection found the token inactive (unknown, expired, rotated or revoked): 403, not 401.
  rs_inactive_token: { status: 403, code: '403', description: 'Inactive Token' },
  rs_missing_key_id: { status: 401, code: '401', description: 'Signature validation error: missing keyId in signature input' },
  rs_keys_unavailable: { status: 401, code: '401', description: 'Signature validation error: could not retrieve client keys' },
  rs_unknown_key: { status: 401, code: '401', description: 'Signature validation error: could not find key in list of client keys' },
  rs_invalid_signature: { status: 401, code: '401', description: 'Signature validation error: provided signature is invalid' },
  rs_insufficient_grant: { status: 403, code: '403', description: 'Insufficient Grant' },
  rs_unknown_resource: { status: 401, code: '401', description: 'Unauthorized' },
  rs_unknown_wallet_address: { status: 400, code: '400', description: 'Could not get wallet address' },
  incoming_payment_not_found: { status: 404, code: '404', description: 'Incoming payment does not exist' },
  outgoing_payment_not_found: { status: 404, code: '404', description: 'Outgoing payment does not exist' },
  quote_not_found: { status: 404, code: '404', description: 'Quote does not exist' },
  invalid_receiver: { status: 400, code: '400', description: 'invalid receiver' },
  invalid_amount: { status: 400, code: '400', description: 'invalid amount' },
  invalid_expiry: { status: 400, code: '400', description: 'invalid expiresAt' },
  non_positive_receive_amount: { status: 400, code: '400', description: 'non-positive receive amount' },
  negative_receive_amount: { status: 400, code: '400', description: 'negative receive amount' },
  invalid_quote_id: { status: 400, code: '400', description: 'Invalid quote id trying to create outgoing payment' },
  unknown_quote: { status: 404, code: '404', description: 'unknown quote' },
  invalid_quote: { status: 400, code: '400', description: 'invalid quote' },
  grant_limit_exceeded: { status: 403, code: '403', description: 'unauthorized' },
  incoming_payment_wrong_state: { status: 409, code: '409', description: 'wrong state' },
  injected_fault: { status: 503, code: 'service_unavailable', description: 'Injected fault' }
} as const

export type SandboxErrorCode = keyof typeof SANDBOX_ERRORS

/** An expected failure as a value: services return it rather than throwing. */
export interface Failure {
  readonly failure: SandboxErrorCode
  readonly detail?: string
  /** Sent as `error.details`, where Rafiki sends details. */
  readonly details?: Record<string, unknown>
}

export const fail = (failure: SandboxErrorCode, detail?: string, details?: Record<string, unknown>): Failure => ({
  failure,
  detail,
  ...(details ? { details } : {})
})

export const isFailure = (value: unknown): value is Failure =>
  typeof value === 'object' && value !== null && 'failure' in value && typeof value.failure === 'string'

/** The one place an expected failure becomes an HTTP answer. */
export function sendFailure(reply: FastifyReply, { failure, detail, details }: Failure): FastifyReply {
  const { status, code, description } = SANDBOX_ERRORS[failure]
  // Resource-server answers keep Rafiki's fixed description; the sandbox's reason goes to the log.
  const fixed = code === String(status)
  if (fixed && detail) reply.log.info({ failure, detail }, 'resource request refused')
  const text = detail && !fixed ? `${description}: ${detail}` : description
  return reply.code(status).send({ error: { code, description: text, ...(details ? { details } : {}) } })
}

/**
 * A request its OpenAPI spec refuses, answered as Rafiki answers an OpenAPIValidatorMiddlewareError:
 * the resource and wallet address servers put the status in `code` (backend
 * open_payments/route-errors.ts), the auth server sends the description alone (auth shared/gnapErrors.ts).
 */
export function sendSpecViolation(reply: FastifyReply, server: 'auth' | 'resource', status: number, message: string): FastifyReply {
  const description = `Received error validating OpenAPI request: ${message}`
  return reply.code(status).send({ error: server === 'auth' ? { description } : { code: String(status), description } })
}
