/** Expected failures of the audio resource (HTTP statuses in http/errors.ts). */
export type AudioError = 'invalid_target' | 'already_reviewed' | 'audio_too_long'
