import { sql } from 'drizzle-orm'
import { check, type AnyPgColumn } from 'drizzle-orm/pg-core'

/**
 * The most characters each text a person types may have: the form's `maxlength`, the server's check
 * (a clear message, nothing saved) and the database's CHECK constraint all read these. Generous for
 * real use; small enough that one field cannot carry a 200 KB page.
 */
export const LIMITS = {
  username: 32,
  displayName: 100,
  password: 200,
  walletAddress: 500,
  profileNote: 2000,
  jobTitle: 200,
  jobDescription: 5000,
  dialect: 100,
  amount: 30,
  applicationNote: 2000,
  submissionText: 20_000
} as const

/** Length as people count it: code points, like Postgres char_length (not UTF-16 units). */
export function charLength(s: string): number {
  let n = 0
  for (const _ of s) n++
  return n
}

export function tooLong(s: string, limit: number): boolean {
  return charLength(s) > limit
}

/** The database's own guard of a limit (a CHECK on char_length), so no path can store more. */
export function lengthCheck(name: string, column: AnyPgColumn, limit: number) {
  return check(name, sql`char_length(${column}) <= ${sql.raw(String(limit))}`)
}
