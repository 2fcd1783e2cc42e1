import type { ErrorStatus } from '../http/errors.ts'

export const userErrorStatus = {
  username_taken: 409,
  invalid_credentials: 401,
  weak_password: 422,
  invalid_username: 422,
  invalid_email: 422,
  /** A username in two scripts, or one that passes for a Latin name (domain/username.ts). */
  username_confusable: 422
} as const satisfies ErrorStatus
export type UserError = keyof typeof userErrorStatus
