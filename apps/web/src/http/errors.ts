/**
 * Expected failures are string values a service returns. Each feature exports the complete map from
 * its own failures to their HTTP status (`<feature>/errors.ts`): a new failure without a status does
 * not compile. The app combines them (src/errors.ts); routes render with the maps of what they may
 * answer (http/render.tsx errorPages). The user-facing message is the i18n key `errors.<code>`.
 */
export type ErrorStatus<E extends string = string> = { readonly [K in E]: number }

/** Failures any route may answer, whatever its feature. */
export const commonErrorStatus = {
  internal: 500,
  not_found: 404,
  forbidden: 403,
  invalid_input: 422,
  /** A text longer than its limit (domain/limits.ts); the form says the limit. */
  too_long: 422,
  /** A field the form needs was left empty. */
  required: 422,
  control_characters: 400,
  malformed_body: 400,
  csrf: 403,
  rate_limited: 429,
  login_required: 401
} as const satisfies ErrorStatus
export type CommonError = keyof typeof commonErrorStatus

type UnionToIntersection<U> = (U extends unknown ? (u: U) => void : never) extends (i: infer I) => void ? I : never

/** Several features' maps as one; a failure claimed by two features is a mistake found at start-up. */
export function combineErrorStatus<M extends ErrorStatus[]>(...maps: M): UnionToIntersection<M[number]> {
  const combined: Record<string, number> = {}
  for (const map of maps) {
    for (const [code, status] of Object.entries(map)) {
      if (code in combined) throw new Error(`error code ${code} is declared by two features`)
      combined[code] = status
    }
  }
  return combined as UnionToIntersection<M[number]>
}
