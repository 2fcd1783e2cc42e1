import type { FastifyReply } from 'fastify'

/**
 * Every expected failure of the sandbox, with the HTTP status and Open Payments / GNAP error code
 * it is answered with (the mapping follows Rafiki). A complete map, so none can be forgotten.
 */
export const SANDBOX_ERRORS = {
  invalid_client: { status: 401, code: 'invalid_client', description: 'Client signature or key is invalid' },
  unauthorized: { status: 401, code: 'unauthorized', description: 'Missing or invalid access token' },
  invalid_request: { status: 400, code: 'invalid_request', description: 'Invalid request' },
  unknown_wallet_address: { status: 400, code: 'invalid_request', description: 'Unknown wallet address' },
  wallet_address_exists: { status: 409, code: 'conflict', description: 'Wallet address already exists' },
  unsupported_asset: { status: 400, code: 'invalid_request', description: 'Unsupported asset' },
  interaction_required: { status: 400, code: 'invalid_request', description: "missing required request field 'interact'" },
  identifier_required: { status: 400, code: 'invalid_request', description: 'Outgoing payment access requires an identifier' },
  // GNAP auth server: statuses, codes and messages as Rafiki's packages/auth (grant/routes.ts,
  // signature/middleware.ts, accessToken/routes.ts) answers them.
  unknown_client: { status: 400, code: 'invalid_client', description: 'could not determine client' },
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
  // Rafiki answers an inactive (unknown, expired, rotated, revoked) token 403 "Inactive Token"; the
  // sandbox keeps 401 for now (see docs/sandbox-wallet.md, Conformance with Rafiki).
  rs_inactive_token: { status: 401, code: '401', description: 'Inactive Token' },
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
