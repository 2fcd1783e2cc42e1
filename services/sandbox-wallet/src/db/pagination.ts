import { and, asc, desc, eq, sql, type SQL } from 'drizzle-orm'
import type { Db } from '@voces/platform'
import { incomingPayments, outgoingPayments } from './schema.ts'

export interface Page {
  first?: number
  last?: number
  /** The id of the edge row of the page the client saw. */
  cursor?: string
}

export interface PageResult<T> {
  rows: T[]
  hasNextPage: boolean
  hasPreviousPage: boolean
}

type Paged = typeof incomingPayments | typeof outgoingPayments

/** Cursor pagination, newest first, as Open Payments lists are: `first`/`last` with a row id as cursor. */
export async function paginate<T extends Paged>(db: Db, table: T, scope: SQL | undefined, page: Page): Promise<PageResult<T['$inferSelect']>> {
  const size = Math.min(page.first ?? page.last ?? 10, 100)
  const backwards = page.last !== undefined && page.first === undefined
  const [cursorRow] = page.cursor
    ? await db.select({ createdAt: table.createdAt, id: table.id }).from(table as Paged).where(eq(table.id, page.cursor))
    : []
  const key = sql`(${table.createdAt}, ${table.id})`
  const edge = cursorRow ? sql`(${cursorRow.createdAt.toISOString()}::timestamptz, ${cursorRow.id}::uuid)` : undefined
  const order = backwards ? [asc(table.createdAt), asc(table.id)] : [desc(table.createdAt), desc(table.id)]
  const rows = (await db
    .select()
    .from(table as Paged)
    .where(and(scope, edge ? (backwards ? sql`${key} > ${edge}` : sql`${key} < ${edge}`) : undefined))
    .orderBy(...order)
    .limit(size + 1)) as T['$inferSelect'][]
  const more = rows.length > size
  const pageRows = rows.slice(0, size)
  if (backwards) pageRows.reverse()
  return {
    rows: pageRows,
    hasNextPage: backwards ? cursorRow !== undefined : more,
    hasPreviousPage: backwards ? more : cursorRow !== undefined
  }
}

/** The `pagination` object of an Open Payments list response. */
export function pageInfo(page: PageResult<{ id: string }>) {
  return {
    ...(page.rows.length > 0 ? { startCursor: page.rows[0]!.id, endCursor: page.rows.at(-1)!.id } : {}),
    hasNextPage: page.hasNextPage,
    hasPreviousPage: page.hasPreviousPage
  }
}
