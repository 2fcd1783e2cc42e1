import type { FastifyReply, FastifyRequest } from 'fastify'
import { errorPage } from './render.tsx'
import type { Problem } from '../domain/problems.ts'

declare module 'fastify' {
  interface FastifyRequest {
    /** True from the start of body parsing until the body is read: a plain error meanwhile is the body's fault. */
    readingBody: boolean
    /** Fields whose control characters were taken out (routes marked `showsFormAgain` only): see inputProblems. */
    inputProblems?: Problem[]
  }
  interface FastifyContextConfig {
    /**
     * The route shows its form again with every problem (and merges inputProblems(req) into them): a
     * control character in a body field is then taken out and told on that field, not a 400 page.
     */
    showsFormAgain?: boolean
  }
}

// PostgreSQL refuses NUL in text (a 500 before this check) and no person types the other C0 controls.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\x00-\x1f]/
// Form fields may be multi-line (descriptions, notes): tab, newline and carriage return stay allowed there.
// eslint-disable-next-line no-control-regex
const CONTROL_IN_TEXT = /[\x00-\x08\x0b\x0c\x0e-\x1f]/

/** Redirect targets: never stored, and safeLocalPath (http/context.ts) already sends any odd one home. */
const UNSTORED = new Set(['next'])

/** The fields (names) with a value matching `pattern`. */
function badFields(values: unknown, pattern: RegExp): string[] {
  if (!values || typeof values !== 'object') return []
  const bad: string[] = []
  for (const [k, v] of Object.entries(values)) {
    if (UNSTORED.has(k)) continue
    // Uploaded files (Buffers) are bytes, checked by content sniffing, not text.
    for (const x of Array.isArray(v) ? v : [v]) if (typeof x === 'string' && pattern.test(x) && !bad.includes(k)) bad.push(k)
  }
  return bad
}
const anyBad = (values: unknown, pattern: RegExp) => badFields(values, pattern).length > 0

const CONTROL_IN_TEXT_ALL = new RegExp(CONTROL_IN_TEXT.source, 'g')

/** Takes the control characters out of the named body fields, in place (each value, or each of a list). */
function strip(body: Record<string, unknown>, fields: readonly string[]): void {
  const clean = (x: unknown) => (typeof x === 'string' ? x.replace(CONTROL_IN_TEXT_ALL, '') : x)
  for (const f of fields) body[f] = Array.isArray(body[f]) ? (body[f] as unknown[]).map(clean) : clean(body[f])
}

/**
 * The problems the input check found in a form that is shown again (`showsFormAgain` routes): one
 * `control_characters_removed` problem per field whose forbidden characters were taken out. The route must
 * refuse the form when there are any, so nothing is saved and the person sees their text, minus those
 * characters, with the message on the field.
 */
export function inputProblems(req: FastifyRequest): Problem[] {
  return req.inputProblems ?? []
}

/**
 * The one check of every text input (query string, path parameters, url-encoded and multipart fields)
 * before any route reads it: control characters are refused with a 400 page in the user's language.
 * Runs as a preValidation hook, after the multipart plugin has read the fields.
 */
export async function refuseControlCharacters(req: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | undefined> {
  req.readingBody = false
  // The webhook receiver's body is the raw JSON string its signature covers, not form fields.
  const bad = req.body && typeof req.body === 'object' ? badFields(req.body, CONTROL_IN_TEXT) : []
  if (anyBad(req.query, CONTROL) || anyBad(req.params, CONTROL)) return errorPage(req, reply, 'control_characters')
  if (bad.length === 0) return undefined
  // A form that can show itself again keeps what was typed: the characters go, the field says why.
  if (req.routeOptions.config.showsFormAgain && !Array.isArray(req.body)) {
    strip(req.body as Record<string, unknown>, bad)
    req.inputProblems = bad.map((field) => ({ field, code: 'control_characters_removed' }))
    return undefined
  }
  return errorPage(req, reply, 'control_characters')
}

/** Marks the start of body parsing (a preParsing hook); refuseControlCharacters marks its end. */
export async function startReadingBody(req: FastifyRequest): Promise<void> {
  req.readingBody = true
}

/**
 * What an error thrown by Fastify or a plugin means for the person: a failure of the request (400/413,
 * bad body, CSRF, rate limit), or undefined when it is the server's fault (a 500).
 */
export function requestFailure(
  req: FastifyRequest,
  error: Error & { code?: string; statusCode?: number }
): 'csrf' | 'rate_limited' | 'file_too_large' | 'malformed_body' | 'invalid_input' | undefined {
  if (error.code === 'FST_CSRF_INVALID_TOKEN' || error.code === 'FST_CSRF_MISSING_SECRET') return 'csrf'
  if (error.statusCode === 429) return 'rate_limited'
  if (error.statusCode === 413 || error.code === 'FST_REQ_FILE_TOO_LARGE') return 'file_too_large'
  // Body parsers (Fastify's, @fastify/multipart, busboy's "Boundary not found", "Unexpected end of form")
  // throw while the body is read; a client that sends a broken body gets told so.
  if (error.statusCode === 400 && req.readingBody) return 'malformed_body'
  if (error.statusCode === undefined && req.readingBody) return 'malformed_body'
  if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) return 'invalid_input'
  return undefined
}
