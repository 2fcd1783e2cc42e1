import type { ErrorStatus } from '../http/errors.ts'

export const applicationErrorStatus = {
  own_job: 403,
  already_applied: 409,
  not_recruiting: 409
} as const satisfies ErrorStatus
export type ApplicationError = keyof typeof applicationErrorStatus
