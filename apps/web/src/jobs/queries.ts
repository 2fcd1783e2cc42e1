import { and, count, desc, eq, inArray, sql, gte, lte } from 'drizzle-orm'
import { queryRows, type Db } from '@voces/platform'
import { jobs, JOB_STATES, type Job, type JobState } from './model.ts'
import { LANGUAGES, type Language } from '../domain/languages.ts'
import type { User } from '../domain/user.ts'
import { isUuid } from '../domain/ids.ts'
import { jobSearch } from './search.ts'
import type { CountCache } from './count-cache.ts'

export const PAGE_SIZE = 20
const COUNT_CAP = 1000
export const DAY = 86_400_000

/** What reads jobs and changes nothing: one job as a viewer may see it, browse, an owner's list. */
export function createJobQueries(deps: { db: Db; now: () => Date; counts: CountCache }) {
  const { now, counts } = deps
  return {
    /** A job as `viewer` may see it: drafts only to their owner (and admins); others get not_found. */
    async getForViewer(viewer: User | null, id: string): Promise<Job | 'not_found'> {
      if (!isUuid(id)) return 'not_found'
      const [job] = await deps.db.select().from(jobs).where(eq(jobs.id, id))
      if (!job) return 'not_found'
      if (job.state === 'draft' && job.ownerId !== viewer?.id && !viewer?.isAdmin) return 'not_found'
      return job
    },

    /** Jobs open for applications, newest first, with filters. */
    async browse(viewer: User | null, filter: { language?: string; q?: string; hideApplied?: boolean; soon?: boolean; page: number }) {
      const conditions = [eq(jobs.state, 'recruiting')]
      if (filter.language && (LANGUAGES as readonly string[]).includes(filter.language)) {
        conditions.push(eq(jobs.language, filter.language as Language))
      }
      const search = filter.q ? jobSearch(filter.q) : null
      if (search) conditions.push(search.where)
      if (filter.soon) conditions.push(lte(jobs.recruitDeadline, new Date(now().getTime() + 3 * DAY)))
      if (filter.hideApplied && viewer) {
        conditions.push(sql`not exists (select 1 from web.applications a where a.job_id = ${jobs.id} and a.applicant_id = ${viewer.id})`)
      }
      const where = and(...conditions)
      const page = Math.max(1, filter.page)
      // Counting every open job on each request does not scale: count up to a cap, and know whether a
      // next page exists by asking for one row more than a page.
      const viewerSpecific = Boolean(filter.hideApplied && viewer)
      const countKey = JSON.stringify([filter.language ?? '', filter.q ?? '', Boolean(filter.soon)])
      const countOpen = async () => {
        const [counted] = await queryRows<{ n: number | string }>(deps.db, sql`select count(*) as n from (select 1 from ${jobs} where ${where} limit ${COUNT_CAP + 1}) capped`)
        return Number(counted?.n ?? 0)
      }
      const [rows, total] = await Promise.all([
        deps.db
          .select()
          .from(jobs)
          .where(where)
          // With a search, the best matches first; otherwise (and among equals) the newest.
          .orderBy(...(search ? [sql`${search.rank} desc`] : []), sql`${jobs.publishedAt} desc nulls last`, desc(jobs.id))
          .limit(PAGE_SIZE + 1)
          .offset((page - 1) * PAGE_SIZE),
        viewerSpecific ? countOpen() : counts.get(countKey, countOpen)
      ])
      return {
        jobs: rows.slice(0, PAGE_SIZE),
        total: Math.min(total, COUNT_CAP),
        totalCapped: total > COUNT_CAP,
        page,
        hasNext: rows.length > PAGE_SIZE,
        pages: total > COUNT_CAP ? null : Math.max(1, Math.ceil(total / PAGE_SIZE))
      }
    },

    async listByOwner(ownerId: string, state?: JobState) {
      const where = state ? and(eq(jobs.ownerId, ownerId), eq(jobs.state, state)) : eq(jobs.ownerId, ownerId)
      const [rows, counts] = await Promise.all([
        deps.db.select().from(jobs).where(where).orderBy(desc(jobs.updatedAt)).limit(200),
        deps.db.select({ state: jobs.state, n: count() }).from(jobs).where(eq(jobs.ownerId, ownerId)).groupBy(jobs.state)
      ])
      const byState = Object.fromEntries(JOB_STATES.map((s) => [s, 0])) as Record<JobState, number>
      for (const c of counts) byState[c.state] = c.n
      return { jobs: rows, counts: byState }
    },

    isDeadlineSoon(job: Job): boolean {
      return job.state === 'recruiting' && job.recruitDeadline.getTime() - now().getTime() < 3 * DAY
    },

    async getMany(ids: string[]): Promise<Job[]> {
      if (ids.length === 0) return []
      return deps.db.select().from(jobs).where(inArray(jobs.id, ids))
    },

    recentSince(since: Date) {
      return deps.db.select().from(jobs).where(gte(jobs.updatedAt, since))
    }
  }
}
