import type { ErrorStatus } from '../http/errors.ts'

export const mediaErrorStatus = {
  file_too_large: 413,
  file_type: 415,
  /** A form named a resumable upload that is not finished, not the sender's, or gone. */
  upload_missing: 400
} as const satisfies ErrorStatus
export type MediaError = keyof typeof mediaErrorStatus
