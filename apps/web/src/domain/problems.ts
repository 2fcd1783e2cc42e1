import { tooLong } from './limits.ts'

/**
 * One thing wrong with a submitted form: the field it is about (its input's id is `f-<field>`; none
 * for the form as a whole), the failure's code (its message is the i18n key `errors.<code>`) and, for
 * a text over its limit, the limit. Services list every problem of a form at once, so a refused form
 * comes back with all of them, not the first.
 */
export interface Problem {
  field?: string | undefined
  code: string
  max?: number | undefined
}

/** Collects a form's problems: `need` for a required text, `limit` for a length. */
export function problemList() {
  const list: Problem[] = []
  return {
    list,
    add(field: string | undefined, code: string) {
      if (!list.some((p) => p.field === field && field !== undefined)) list.push({ field, code })
    },
    need(field: string, value: string) {
      if (!value.trim()) this.add(field, 'required')
    },
    limit(field: string, value: string, max: number) {
      if (tooLong(value, max) && !list.some((p) => p.field === field)) list.push({ field, code: 'too_long', max })
    }
  }
}

/**
 * The HTTP status of a refused form: a file's own failure keeps its status (415 wrong type, 413 too
 * large) so clients and tests can tell it apart; anything else is 422.
 */
export function refusedStatus(problems: readonly Problem[]): number {
  if (problems.some((p) => p.code === 'file_type')) return 415
  if (problems.some((p) => p.code === 'file_too_large')) return 413
  return 422
}
