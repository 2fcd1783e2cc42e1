import type { ErrorStatus } from '../http/errors.ts'

export const audioErrorStatus = {
  invalid_target: 422,
  already_reviewed: 409,
  audio_too_long: 422
} as const satisfies ErrorStatus
export type AudioError = keyof typeof audioErrorStatus
