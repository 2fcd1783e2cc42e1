import type { FastifyReply } from 'fastify'

/**
 * Every expected failure of the sandbox, with the HTTP status and Open Payments / GNAP error code
 * it is answered with (the mapping follows Rafiki). A complete map, so none can be forgotten.
 */
export const SANDBOX_ERRORS = {
  invalid_client: { status: 401, code: 'invalid_client', description: 'Client signature or key is invalid' },
  unauthorized: { status: 401, code: 'unauthorized', description: 'Missing or invalid access token' },
  invalid_signature: { status: 401, code: 'invalid_signature', description: 'HTTP message signature is missing or invalid' },
  forbidden: { status: 403, code: 'forbidden', description: 'Access token does not allow this action on this wallet address' },
  invalid_request: { status: 400, code: 'invalid_request', description: 'Invalid request' },
  unknown_wallet_address: { status: 400, code: 'invalid_request', description: 'Unknown wallet address' },
  wallet_address_exists: { status: 409, code: 'conflict', description: 'Wallet address already exists' },
  unsupported_asset: { status: 400, code: 'invalid_request', description: 'Unsupported asset' },
  interaction_required: { status: 400, code: 'invalid_request', description: 'Outgoing payment grants require interaction' },
  identifier_required: { status: 400, code: 'invalid_request', description: 'Outgoing payment access requires an identifier' },
  too_fast: { status: 400, code: 'too_fast', description: 'Continued the grant before the wait time elapsed' },
  invalid_continuation: { status: 401, code: 'invalid_continuation', description: 'Invalid continuation' },
  unknown_continuation: { status: 404, code: 'invalid_continuation', description: 'Unknown grant continuation' },
  request_denied: { status: 401, code: 'request_denied', description: 'The grant was rejected' },
  invalid_rotation: { status: 400, code: 'invalid_rotation', description: 'Token cannot be rotated' },
  unknown_token: { status: 404, code: 'invalid_rotation', description: 'Unknown access token' },
  not_found: { status: 404, code: 'not_found', description: 'Not found' },
  invalid_receiver: { status: 400, code: 'invalid_receiver', description: 'Receiver is not an active incoming payment of this wallet' },
  invalid_amount: { status: 400, code: 'invalid_amount', description: 'Amount is invalid' },
  quote_expired: { status: 400, code: 'invalid_quote', description: 'Quote has expired' },
  quote_used: { status: 400, code: 'invalid_quote', description: 'Quote was already used' },
  quote_foreign: { status: 400, code: 'invalid_quote', description: 'Quote belongs to another wallet address' },
  grant_limit_exceeded: { status: 403, code: 'insufficient_grant', description: 'Payment exceeds the grant limits' },
  already_completed: { status: 400, code: 'invalid_state', description: 'Incoming payment is already completed or expired' },
  injected_fault: { status: 503, code: 'service_unavailable', description: 'Injected fault' }
} as const

export type SandboxErrorCode = keyof typeof SANDBOX_ERRORS

/** An expected failure as a value: services return it rather than throwing. */
export interface Failure {
  readonly failure: SandboxErrorCode
  readonly detail?: string
}

export const fail = (failure: SandboxErrorCode, detail?: string): Failure => ({ failure, detail })

export const isFailure = (value: unknown): value is Failure =>
  typeof value === 'object' && value !== null && 'failure' in value && typeof value.failure === 'string'

/** The one place an expected failure becomes an HTTP answer. */
export function sendFailure(reply: FastifyReply, { failure, detail }: Failure): FastifyReply {
  const { status, code, description } = SANDBOX_ERRORS[failure]
  return reply.code(status).send({ error: { code, description: detail ? `${description}: ${detail}` : description } })
}
