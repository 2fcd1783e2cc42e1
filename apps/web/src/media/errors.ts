import type { ErrorStatus } from '../http/errors.ts'

export const mediaErrorStatus = {
  file_too_large: 413,
  file_type: 415
} as const satisfies ErrorStatus
export type MediaError = keyof typeof mediaErrorStatus
