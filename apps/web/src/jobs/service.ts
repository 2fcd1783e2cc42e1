import { eq, sql } from 'drizzle-orm'
import { queryRows, type Db, type Tx } from '@voces/platform'
import { jobs, ACTIVE_STATES, type Job, type JobState } from './model.ts'
import type { JobError } from './errors.ts'
import type { User } from '../domain/user.ts'
import { isUuid } from '../domain/ids.ts'
import { createCountCache } from './count-cache.ts'
import type { Problem } from '../domain/problems.ts'
import { checkJobInput, jobValues, type JobInput } from './input.ts'
import { createJobQueries, DAY } from './queries.ts'

export type { JobInput } from './input.ts'

/** Called inside the transaction that moved a job to canceled, expired or complete (e.g. to refund escrow). */
export type OnJobClosed = (tx: Tx, job: Job) => Promise<void>
/**
 * What escrow lacks for `people` creators of the job (0 when it holds their pay and payout fees),
 * read in the start's transaction under the job's row lock. Given by the composition root (payouts).
 */
export type EscrowShortfall = (tx: Tx, job: Job, people: number) => Promise<bigint>
/** Called in the edit's transaction (audio recorded for the old title or description must be checked again). */
export type OnJobEdited = (tx: Tx, before: Job, after: Job) => Promise<void>

/** Called in the transaction that started the work (applications still pending are then not chosen). */
export type OnJobStarted = (tx: Tx, job: Job) => Promise<void>

/**
 * The job's commands (create, edit, publish, duplicate, cancel, start the work, complete), each under the
 * job's row lock; the reads come from queries.ts, the form's checks from input.ts.
 */
export function createJobService(deps: {
  db: Db
  asset: { code: string; scale: number }
  onClosed: OnJobClosed
  onEdited?: OnJobEdited
  /** Work starts only when escrow holds the pay (and payout fees) of everyone selected. */
  escrowShortfall: EscrowShortfall
  onStarted?: OnJobStarted
  now?: () => Date
}) {
  const now = deps.now ?? (() => new Date())
  const counts = createCountCache({ ttlMs: 5_000, maxEntries: 500, now })
  const queries = createJobQueries({ db: deps.db, now, counts })
  const rules = { asset: deps.asset, now }

  async function lockOwned(tx: Tx, owner: User, id: string): Promise<Job | 'not_found'> {
    if (!isUuid(id)) return 'not_found'
    const [job] = await tx.select().from(jobs).where(eq(jobs.id, id)).for('update')
    if (!job || (job.ownerId !== owner.id && !owner.isAdmin)) return 'not_found'
    return job
  }

  async function setState(tx: Tx, job: Job, state: JobState, extra: Partial<Job> = {}): Promise<Job> {
    const [updated] = await tx
      .update(jobs)
      .set({ state, stateChangedAt: now(), updatedAt: now(), ...extra })
      .where(eq(jobs.id, job.id))
      .returning()
    counts.clear()
    if (state === 'canceled' || state === 'expired' || state === 'complete') await deps.onClosed(tx, updated!)
    return updated!
  }

  return {
    /** Everything wrong with a job form, at once (create and update check the same again). */
    problems(input: JobInput, publishing: boolean): Problem[] {
      return checkJobInput(input, publishing, rules).problems
    },

    async create(owner: User, input: JobInput, publish: boolean): Promise<Job | JobError | 'invalid_input' | 'too_long'> {
      const values = jobValues(input, publish, rules)
      if (typeof values === 'string') return values
      const at = now()
      const [job] = await deps.db
        .insert(jobs)
        .values({ ...values, ownerId: owner.id, state: publish ? 'recruiting' : 'draft', publishedAt: publish ? at : null })
        .returning()
      counts.clear()
      return job!
    },

    /** Edits a draft or recruiting job; `publish` also moves a draft to recruiting. */
    async update(owner: User, id: string, input: JobInput, publish: boolean): Promise<Job | JobError | 'invalid_input' | 'too_long' | 'not_found'> {
      return deps.db.transaction(async (tx) => {
        const job = await lockOwned(tx, owner, id)
        if (job === 'not_found') return job
        if (job.state !== 'draft' && job.state !== 'recruiting') return 'invalid_state'
        const values = jobValues(input, publish || job.state === 'recruiting', rules)
        if (typeof values === 'string') return values
        const publishing = publish && job.state === 'draft'
        const [updated] = await tx
          .update(jobs)
          .set({
            ...values,
            updatedAt: now(),
            ...(publishing ? { state: 'recruiting' as const, publishedAt: now(), stateChangedAt: now() } : {})
          })
          .where(eq(jobs.id, id))
          .returning()
        counts.clear()
        await deps.onEdited?.(tx, job, updated!)
        return updated!
      })
    },

    async publish(owner: User, id: string): Promise<Job | JobError | 'not_found'> {
      return deps.db.transaction(async (tx) => {
        const job = await lockOwned(tx, owner, id)
        if (job === 'not_found') return job
        if (job.state !== 'draft') return 'invalid_state'
        if (job.recruitDeadline <= now()) return 'invalid_dates'
        return setState(tx, job, 'recruiting', { publishedAt: now() })
      })
    },

    async duplicate(owner: User, id: string): Promise<Job | 'not_found'> {
      const source = await queries.getForViewer(owner, id)
      if (source === 'not_found' || source.ownerId !== owner.id) return 'not_found'
      const span = (a: Date, b: Date) => Math.max(DAY, b.getTime() - a.getTime())
      const at = now()
      const recruitDeadline = new Date(at.getTime() + span(source.createdAt, source.recruitDeadline))
      const [copy] = await deps.db
        .insert(jobs)
        .values({
          ownerId: owner.id,
          title: source.title,
          description: source.description,
          language: source.language,
          dialect: source.dialect,
          deliverableTypes: source.deliverableTypes,
          amountPerPerson: source.amountPerPerson,
          assetCode: source.assetCode,
          assetScale: source.assetScale,
          maxResponses: source.maxResponses,
          recruitLimit: source.recruitLimit,
          recruitDeadline,
          submitLimit: source.submitLimit,
          submitDays: source.submitDays,
          expiresAt: new Date(recruitDeadline.getTime() + span(source.recruitDeadline, source.expiresAt)),
          referenceMediaId: source.referenceMediaId,
          state: 'draft'
        })
        .returning()
      return copy!
    },

    async cancel(owner: User, id: string): Promise<Job | JobError | 'not_found'> {
      return deps.db.transaction(async (tx) => {
        const job = await lockOwned(tx, owner, id)
        if (job === 'not_found') return job
        if (job.state !== 'draft' && !ACTIVE_STATES.includes(job.state)) return 'invalid_state'
        return setState(tx, job, 'canceled')
      })
    },

    /** The owner starts the work: selected applicants may now submit, until the submit deadline. */
    async startWork(owner: User, id: string): Promise<Job | JobError | 'not_found'> {
      return deps.db.transaction(async (tx) => {
        const job = await lockOwned(tx, owner, id)
        if (job === 'not_found') return job
        if (job.state !== 'selecting' && job.state !== 'recruiting') return 'invalid_state'
        // Applications sit above jobs (they reference them), so jobs read them in SQL, as transitions.ts does.
        const [selected] = await queryRows<{ n: number | string }>(
          tx,
          sql`select count(*) as n from web.applications where job_id = ${id} and state = 'selected'`
        )
        if (!selected || Number(selected.n) === 0) return 'invalid_state'
        // Nobody works on money that is not there: the owner tops escrow up first (the job page offers it).
        if ((await deps.escrowShortfall(tx, job, Number(selected.n))) > 0n) return 'underfunded'
        const started = await setState(tx, job, 'submitting', { submitDeadline: new Date(now().getTime() + job.submitDays * DAY) })
        await deps.onStarted?.(tx, started)
        return started
      })
    },

    async complete(owner: User, id: string): Promise<Job | JobError | 'not_found'> {
      return deps.db.transaction(async (tx) => {
        const job = await lockOwned(tx, owner, id)
        if (job === 'not_found') return job
        if (job.state !== 'reviewing' && job.state !== 'submitting') return 'invalid_state'
        return setState(tx, job, 'complete')
      })
    },

    ...queries
  }
}

export type JobService = ReturnType<typeof createJobService>
