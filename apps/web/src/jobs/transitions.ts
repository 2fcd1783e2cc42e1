import { sql } from 'drizzle-orm'
import { queryRows, type Db } from '@voces/platform'
import { jobs, type Job, type JobState } from './model.ts'
import type { OnJobClosed } from './service.ts'
import { eq } from 'drizzle-orm'

/**
 * The automatic transitions, applied on time by the scheduler (and right after an application or a
 * submission, so a full job moves at once):
 * - recruiting → selecting when applications reach the recruit limit or the recruit deadline passes
 *   (→ expired if the deadline passed with no applications);
 * - submitting → reviewing when submissions reach the submit limit or the submit deadline passes
 *   (→ expired if the deadline passed with no submissions);
 * - any job still recruiting, selecting or submitting after its expiry date → expired.
 * Rows are taken with FOR UPDATE SKIP LOCKED, so several workers never move the same job twice.
 */
export function createJobTransitions(deps: { db: Db; onClosed: OnJobClosed }) {
  async function run(now: Date, onlyJobId?: string): Promise<number> {
    return deps.db.transaction(async (tx) => {
      const due = await queryRows<{ id: string; state: JobState; apps: number | string; subs: number | string; expired: boolean; recruit_over: boolean; submit_over: boolean; recruit_full: boolean; submit_full: boolean }>(
        tx,
        sql`
        with counted as (
          select j.id, j.state, j.expires_at, j.recruit_deadline, j.submit_deadline, j.recruit_limit, j.submit_limit,
            (select count(*) from web.applications a where a.job_id = j.id) as apps,
            (select count(*) from web.submissions s where s.job_id = j.id and s.state <> 'draft') as subs
          from web.jobs j
          where j.state in ('recruiting', 'selecting', 'submitting')
            ${onlyJobId ? sql`and j.id = ${onlyJobId}` : sql``}
        )
        select c.id, c.state, c.apps, c.subs,
          c.expires_at <= ${now} as expired,
          c.recruit_deadline <= ${now} as recruit_over,
          c.submit_deadline is not null and c.submit_deadline <= ${now} as submit_over,
          c.apps >= c.recruit_limit as recruit_full,
          c.subs >= c.submit_limit as submit_full
        from counted c
        where c.expires_at <= ${now}
          or (c.state = 'recruiting' and (c.recruit_deadline <= ${now} or c.apps >= c.recruit_limit))
          or (c.state = 'submitting' and ((c.submit_deadline is not null and c.submit_deadline <= ${now}) or c.subs >= c.submit_limit))
        limit 100`
      )
      let moved = 0
      for (const row of due) {
        // Lock, skipping jobs another worker (or a user's request) holds right now; they are retried next tick.
        const locked = await queryRows<{ id: string; state: JobState }>(
          tx,
          sql`select id, state from web.jobs where id = ${row.id} for update skip locked`
        )
        if (locked.length === 0 || locked[0]!.state !== row.state) continue
        const next = nextState(row)
        if (!next) continue
        const [updated] = await tx
          .update(jobs)
          .set({
            state: next,
            stateChangedAt: now,
            updatedAt: now
          })
          .where(eq(jobs.id, row.id))
          .returning()
        if (next === 'expired') await deps.onClosed(tx, updated as Job)
        moved++
      }
      return moved
    })
  }

  return {
    /** Applies every due transition; returns how many jobs moved. */
    tick: (now: Date = new Date()) => run(now),
    /** Applies the due transitions of one job (after an application or submission). */
    forJob: (jobId: string, now: Date = new Date()) => run(now, jobId)
  }
}

function nextState(r: {
  state: JobState
  apps: number | string
  subs: number | string
  expired: boolean
  recruit_over: boolean
  submit_over: boolean
  recruit_full: boolean
  submit_full: boolean
}): JobState | null {
  const apps = Number(r.apps)
  const subs = Number(r.subs)
  if (r.state === 'recruiting') {
    if (r.recruit_full) return 'selecting'
    if (r.recruit_over || r.expired) return apps > 0 && !r.expired ? 'selecting' : 'expired'
  }
  if (r.state === 'selecting' && r.expired) return 'expired'
  if (r.state === 'submitting') {
    if (r.submit_full) return 'reviewing'
    if (r.submit_over) return subs > 0 ? 'reviewing' : 'expired'
    if (r.expired) return subs > 0 ? 'reviewing' : 'expired'
  }
  return null
}

export type JobTransitions = ReturnType<typeof createJobTransitions>
