/** Helpers to read url-encoded and multipart (attachFieldsToBody: 'keyValues', files spooled to disk) bodies uniformly. */
export type FormBody = Record<string, unknown>

export function body(req: { body: unknown }): FormBody {
  return req.body && typeof req.body === 'object' ? (req.body as FormBody) : {}
}

export function str(b: FormBody, key: string): string {
  const v = b[key]
  const first = Array.isArray(v) ? v[0] : v
  if (typeof first === 'string') return first
  if (Buffer.isBuffer(first)) return first.toString('utf8')
  return ''
}

export function list(b: FormBody, key: string): string[] {
  const v = b[key]
  const all = Array.isArray(v) ? v : v === undefined ? [] : [v]
  return all.filter((x): x is string => typeof x === 'string' && x !== '')
}

/** A plain form's file, streamed to a temporary file while the body was read (http/spool.ts). */
export interface FormFile {
  path: string
  size: number
}

export function isFormFile(v: unknown): v is FormFile {
  return typeof v === 'object' && v !== null && typeof (v as FormFile).path === 'string' && typeof (v as FormFile).size === 'number'
}

/** An uploaded file, or undefined when the file input was left empty. */
export function file(b: FormBody, key: string): FormFile | undefined {
  const v = b[key]
  const first = Array.isArray(v) ? v[0] : v
  return isFormFile(first) && first.size > 0 ? first : undefined
}

/** A finished resumable (tus) upload named by a form instead of a file; media/ checks it is the sender's. */
export interface UploadRef {
  uploadId: string
}

const UPLOAD_ID = /^[0-9a-f]{32}$/

/** The tus upload id a form's script put in `<key>Upload`, or undefined (the plain file field is used). */
export function upload(b: FormBody, key: string): UploadRef | undefined {
  const id = str(b, `${key}Upload`)
  return UPLOAD_ID.test(id) ? { uploadId: id } : undefined
}
