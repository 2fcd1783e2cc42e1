import type { ErrorStatus } from '../http/errors.ts'

export const outboxErrorStatus = {
  /** The key was used by another person or for another form: nothing is done with it. */
  idempotency_key_used: 409,
  /** The first request with this key is still being handled: the phone tries again later. */
  still_sending: 409
} as const satisfies ErrorStatus
export type OutboxError = keyof typeof outboxErrorStatus
