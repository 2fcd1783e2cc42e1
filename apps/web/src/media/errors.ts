export type MediaError = 'file_too_large' | 'file_type'
