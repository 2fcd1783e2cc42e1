import { and, count, desc, eq, inArray, sql, gte } from 'drizzle-orm'
import { parseDecimalAmount, queryRows, type Db, type Tx } from '@voces/platform'
import { jobs, ACTIVE_STATES, JOB_STATES, type Job, type JobState } from './model.ts'
import { DELIVERABLE_TYPES, type DeliverableType } from '../domain/deliverables.ts'
import type { JobError } from './errors.ts'
import { LANGUAGES, type Language } from '../domain/languages.ts'
import type { User } from '../domain/user.ts'
import { isUuid } from '../domain/ids.ts'
import { createBrowse } from './browse.ts'
import { createCountCache } from './count-cache.ts'
import { LIMITS } from '../domain/limits.ts'
import { problemList, type Problem } from '../domain/problems.ts'

export interface JobInput {
  title: string
  description: string
  language: Language
  dialect: string
  deliverableTypes: DeliverableType[]
  amount: string
  maxResponses: number
  recruitLimit: number
  recruitDeadline: string
  submitLimit: number
  submitDays: number
  expiresAt: string
  referenceMediaId?: string | undefined
}

const DAY = 86_400_000

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
  // The job page's first read, on every view: built once and prepared by name, so neither Drizzle nor
  // PostgreSQL parses and plans it again on each request.
  const jobById = deps.db.select().from(jobs).where(eq(jobs.id, sql.placeholder('id'))).prepare('jobs_by_id')

  /**
   * Turns form input into column values, or every reason it cannot (each tied to its field, so the
   * form comes back with all of them). Dates are whole days, ending at 23:59:59 UTC.
   */
  function check(input: JobInput, publishing: boolean) {
    const p = problemList()
    const amount = parseDecimalAmount(input.amount, deps.asset.scale)
    p.limit('title', input.title, LIMITS.jobTitle)
    p.limit('description', input.description, LIMITS.jobDescription)
    p.limit('dialect', input.dialect, LIMITS.dialect)
    p.limit('amount', input.amount, LIMITS.amount)
    if (!input.title.trim()) p.add('title', 'missing_text')
    if (!input.description.trim()) p.add('description', 'missing_text')
    if (typeof amount === 'string') p.add('amount', 'invalid_amount')
    if (!(LANGUAGES as readonly string[]).includes(input.language)) p.add('language', 'invalid_input')
    const types = input.deliverableTypes.filter((d) => (DELIVERABLE_TYPES as readonly string[]).includes(d))
    if (types.length === 0) p.add('deliverableTypes', 'no_deliverables')
    for (const field of ['maxResponses', 'recruitLimit', 'submitLimit', 'submitDays'] as const) {
      const n = input[field]
      if (!Number.isInteger(n) || n < 1 || n > 1000) p.add(field, 'invalid_numbers')
    }
    const recruitDeadline = endOfDay(input.recruitDeadline)
    const expiresAt = endOfDay(input.expiresAt)
    if (!recruitDeadline || (publishing && recruitDeadline <= now())) p.add('recruitDeadline', 'invalid_dates')
    if (!expiresAt || (recruitDeadline && expiresAt < recruitDeadline)) p.add('expiresAt', 'invalid_dates')
    return { problems: p.list, amount, types, recruitDeadline, expiresAt }
  }

  function toValues(input: JobInput, publishing: boolean) {
    const { problems, amount, types, recruitDeadline, expiresAt } = check(input, publishing)
    if (problems.length > 0 || typeof amount === 'string' || !recruitDeadline || !expiresAt) return (problems[0]?.code ?? 'invalid_input') as JobError | 'invalid_input' | 'too_long'
    return {
      title: input.title.trim(),
      description: input.description.trim(),
      language: input.language,
      dialect: input.dialect.trim(),
      deliverableTypes: types,
      amountPerPerson: amount,
      assetCode: deps.asset.code,
      assetScale: deps.asset.scale,
      maxResponses: input.maxResponses,
      recruitLimit: input.recruitLimit,
      recruitDeadline,
      submitLimit: input.submitLimit,
      submitDays: input.submitDays,
      expiresAt,
      ...(input.referenceMediaId ? { referenceMediaId: input.referenceMediaId } : {})
    }
  }

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
      return check(input, publishing).problems
    },

    async create(owner: User, input: JobInput, publish: boolean): Promise<Job | JobError | 'invalid_input' | 'too_long'> {
      const values = toValues(input, publish)
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
        const values = toValues(input, publish || job.state === 'recruiting')
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
      const source = await this.getForViewer(owner, id)
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

export type JobService = ReturnType<typeof createJobService>

function endOfDay(value: string): Date | null {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return null
  const d = new Date(`${value}T23:59:59.000Z`)
  return Number.isNaN(d.getTime()) ? null : d
}

export function toDateInput(d: Date | null | undefined): string {
  return d ? d.toISOString().slice(0, 10) : ''
}
