import { and, count, desc, eq, inArray, sql, gte } from 'drizzle-orm'
import type { Db } from '@voces/platform'
import { jobs, JOB_STATES, type Job, type JobState } from './model.ts'
import type { User } from '../domain/user.ts'
import { isUuid } from '../domain/ids.ts'
import { createBrowse } from './browse.ts'
import type { CountCache } from './count-cache.ts'

export const DAY = 86_400_000

/** What reads jobs and changes nothing: one job as a viewer may see it, browse, an owner's list. */
export function createJobQueries(deps: { db: Db; now: () => Date; counts: CountCache }) {
  const { now, counts } = deps
  // The job page's first read, on every view: built once and prepared by name, so neither Drizzle nor
  // PostgreSQL parses and plans it again on each request.
  const jobById = deps.db.select().from(jobs).where(eq(jobs.id, sql.placeholder('id'))).prepare('jobs_by_id')
  return {
    /** A job as `viewer` may see it: drafts only to their owner (and admins); others get not_found. */
    async getForViewer(viewer: User | null, id: string): Promise<Job | 'not_found'> {
      if (!isUuid(id)) return 'not_found'
      const [job] = await jobById.execute({ id })
      if (!job) return 'not_found'
      if (job.state === 'draft' && job.ownerId !== viewer?.id && !viewer?.isAdmin) return 'not_found'
      return job
    },

    /** Jobs open for applications, newest first (a search: title matches first), a page at a time (browse.ts). */
    browse: createBrowse({ db: deps.db, now, counts }),

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
