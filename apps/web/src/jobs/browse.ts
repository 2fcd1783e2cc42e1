import { and, eq, lte, sql, type SQL } from 'drizzle-orm'
import { queryRows, type Db } from '@voces/platform'
import { jobs, type Job } from './model.ts'
import { LANGUAGES, type Language } from '../domain/languages.ts'
import type { User } from '../domain/user.ts'
import { jobSearch } from './search.ts'
import type { CountCache } from './count-cache.ts'

export const PAGE_SIZE = 20
const COUNT_CAP = 1000
const DAY = 86_400_000

/**
 * Where a page of the list starts or ends: the tier (0 browsing; 1 title matches, 2 other matches of a
 * search), the job's publication time in microseconds since 1970 (PostgreSQL's precision, so no two
 * rows are confused) and its id. In the URL as `<tier>.<micros>.<id>`.
 */
export interface BrowseCursor {
  tier: 0 | 1 | 2
  at: string
  id: string
}

const CURSOR = /^([012])\.(\d{1,17})\.([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/

export function parseCursor(value: string): BrowseCursor | null {
  const m = CURSOR.exec(value)
  return m ? { tier: Number(m[1]) as BrowseCursor['tier'], at: m[2]!, id: m[3]! } : null
}

export const formatCursor = (c: BrowseCursor): string => `${c.tier}.${c.at}.${c.id}`

export interface BrowseFilter {
  language?: string
  q?: string
  hideApplied?: boolean
  soon?: boolean
  /** The page after this row (the "next" link), or before it (the "previous" link); neither: the first page. */
  after?: BrowseCursor | undefined
  before?: BrowseCursor | undefined
  /** The page's number, for its label only (the cursor decides the rows). */
  page?: number
}

export interface BrowsePage {
  jobs: Job[]
  /** The cursors of the first and last job shown (for the previous and next links). */
  first: BrowseCursor | null
  last: BrowseCursor | null
  hasPrev: boolean
  hasNext: boolean
  page: number
  total: number
  totalCapped: boolean
  pages: number | null
}

type Row = { job: Job; at: string; tier: BrowseCursor['tier'] }

/**
 * Open jobs, newest first (a search: title matches first), a page at a time by keyset: each page is read
 * from the browse index (state, published_at desc, id desc) or the search index after or before a
 * cursor, with a LIMIT and no OFFSET, so page 500 costs what page 1 costs and a job published meanwhile
 * never shifts a row onto two pages. Every way into `recruiting` sets `published_at`; the key needs it.
 */
export function createBrowse(deps: { db: Db; now: () => Date; counts: CountCache }) {
  const { counts } = deps

  /** Up to `limit` rows of one tier after (`next`) or before (`prev`) the cursor, in that direction's order. */
  async function segment(where: SQL, tier: Row['tier'], from: BrowseCursor | undefined, direction: 'next' | 'prev', limit: number, walk: boolean): Promise<Row[]> {
    const conditions = [where]
    // A cursor in an earlier tier (in this direction) takes all of this one; in the same tier, what lies beyond it.
    if (from && from.tier === tier) {
      const at = sql`(timestamptz 'epoch' + ${from.at}::bigint * interval '1 microsecond')`
      conditions.push(direction === 'next' ? sql`(${jobs.publishedAt}, ${jobs.id}) < (${at}, ${from.id}::uuid)` : sql`(${jobs.publishedAt}, ${jobs.id}) > (${at}, ${from.id}::uuid)`)
    }
    // The browse index's exact order (nulls last on both columns) lets PostgreSQL walk it without sorting;
    // the opposite nulls order (the same rows: published_at is never null here) makes it sort the matches.
    const order = sql.raw(`${direction === 'next' ? 'desc' : 'asc'} nulls ${(direction === 'next') === walk ? 'last' : 'first'}`)
    const rows = await deps.db
      .select({ job: jobs, at: sql<string>`(extract(epoch from ${jobs.publishedAt}) * 1000000)::bigint::text` })
      .from(jobs)
      .where(and(...conditions))
      .orderBy(sql`${jobs.publishedAt} ${order}`, sql`${jobs.id} ${order}`)
      .limit(limit)
    return rows.map((r) => ({ ...r, tier }))
  }

  /** Rows in the tiers' order from the cursor on: fills from the next tier only when this one runs out. */
  async function read(tiers: Array<{ tier: Row['tier']; where: SQL }>, from: BrowseCursor | undefined, direction: 'next' | 'prev', limit: number, walk: boolean): Promise<Row[]> {
    const ordered = direction === 'next' ? tiers : [...tiers].reverse()
    const start = from ? ordered.findIndex((t) => t.tier === from.tier) : 0
    const rows: Row[] = []
    for (const t of ordered.slice(Math.max(0, start))) {
      rows.push(...(await segment(t.where, t.tier, from, direction, limit - rows.length, walk)))
      if (rows.length >= limit) break
    }
    return rows
  }

  return async function browse(viewer: User | null, filter: BrowseFilter): Promise<BrowsePage> {
    const conditions = [eq(jobs.state, 'recruiting'), sql`${jobs.publishedAt} is not null`]
    if (filter.language && (LANGUAGES as readonly string[]).includes(filter.language)) {
      conditions.push(eq(jobs.language, filter.language as Language))
    }
    if (filter.soon) conditions.push(lte(jobs.recruitDeadline, new Date(deps.now().getTime() + 3 * DAY)))
    if (filter.hideApplied && viewer) {
      conditions.push(sql`not exists (select 1 from web.applications a where a.job_id = ${jobs.id} and a.applicant_id = ${viewer.id})`)
    }
    const search = filter.q ? jobSearch(filter.q) : null
    const base = and(...conditions, search?.all)!
    const tiers = search
      ? [
          { tier: 1 as const, where: and(base, search.title)! },
          { tier: 2 as const, where: and(base, sql`not (${search.title})`)! }
        ]
      : [{ tier: 0 as const, where: base }]
    // Counting every open job on each request does not scale: count up to a cap, cached a few seconds
    // per filter (not when the filter depends on the viewer).
    const countOpen = async () => {
      const [counted] = await queryRows<{ n: number | string }>(deps.db, sql`select count(*) as n from (select 1 from ${jobs} where ${base} limit ${COUNT_CAP + 1}) capped`)
      return Number(counted?.n ?? 0)
    }
    const countKey = JSON.stringify([filter.language ?? '', filter.q ?? '', Boolean(filter.soon)])
    const counting = filter.hideApplied && viewer ? countOpen() : counts.get(countKey, countOpen)
    counting.catch(() => undefined) // awaited below; a failure must not go unhandled meanwhile
    // Walking the browse index newest first until a page of matches is found is cheapest when matches are
    // dense; when they are few (a rare word, which PostgreSQL's estimate cannot tell from a common one),
    // the search index finds them all and they are sorted: never a walk through every open job.
    const walk = !search || (await counting) > COUNT_CAP

    // One row more than a page says whether there is another page in that direction. A cursor of the
    // other kind (a browsing cursor on a search) starts from the first page.
    const given = filter.before ?? filter.after
    let from = given && tiers.some((t) => t.tier === given.tier) ? given : undefined
    let direction: 'next' | 'prev' = from && filter.before ? 'prev' : 'next'
    let rows = await read(tiers, from, direction, PAGE_SIZE + 1, walk)
    if (direction === 'prev' && rows.length < PAGE_SIZE) {
      // Back at the start with less than a page (jobs closed meanwhile): show the first page whole.
      direction = 'next'
      from = undefined
      rows = await read(tiers, undefined, 'next', PAGE_SIZE + 1, walk)
    }
    const more = rows.length > PAGE_SIZE
    rows = rows.slice(0, PAGE_SIZE)
    if (direction === 'prev') rows.reverse()
    const hasPrev = direction === 'prev' ? more : from !== undefined
    const hasNext = direction === 'prev' ? true : more
    const total = await counting
    const key = (r: Row | undefined): BrowseCursor | null => (r ? { tier: r.tier, at: r.at, id: r.job.id } : null)
    return {
      jobs: rows.map((r) => r.job),
      first: key(rows[0]),
      last: key(rows.at(-1)),
      hasPrev,
      hasNext,
      page: hasPrev ? Math.max(2, Math.min(filter.page ?? 2, 10_000)) : 1,
      total: Math.min(total, COUNT_CAP),
      totalCapped: total > COUNT_CAP,
      pages: total > COUNT_CAP ? null : Math.max(1, Math.ceil(total / PAGE_SIZE))
    }
  }
}

export type Browse = ReturnType<typeof createBrowse>
