import { and, desc, eq, inArray, count } from 'drizzle-orm'
import type { Db, Tx } from '@voces/platform'
import { submissions, type Submission } from './model.ts'
import type { SubmissionError } from './errors.ts'
import { jobs, type Job } from '../jobs/model.ts'
import type { DeliverableType } from '../domain/deliverables.ts'
import { users, type User } from '../domain/user.ts'
import { applications } from '../applications/model.ts'
import type { JobTransitions } from '../jobs/transitions.ts'
import { isUuid } from '../domain/ids.ts'
import type { MediaService } from '../media/service.ts'
import { LIMITS, tooLong } from '../domain/limits.ts'

/** The form: its text and the ids of files already stored for it by this person (media/kept.ts). */
export interface SubmissionInput {
  text: string
  textFile?: string | undefined
  audio?: string | undefined
  video?: string | undefined
  image?: string | undefined
}

/** Called inside the accept transaction: records the creator's payout (exactly once per submission). */
export type OnAccepted = (tx: Tx, job: Job, submission: Submission) => Promise<void>

export function createSubmissionService(deps: { db: Db; media: MediaService; transitions: JobTransitions; onAccepted: OnAccepted }) {
  async function lockJobFor(tx: Tx, submissionId: string) {
    if (!isUuid(submissionId)) return null
    const [row] = await tx.select().from(submissions).where(eq(submissions.id, submissionId))
    if (!row) return null
    const [job] = await tx.select().from(jobs).where(eq(jobs.id, row.jobId)).for('update')
    if (!job) return null
    // Re-read under the job lock: another request may have changed it meanwhile.
    const [submission] = await tx.select().from(submissions).where(eq(submissions.id, submissionId))
    return { job, submission: submission! }
  }

  return {
    /** Saves a draft or submits, for selected applicants of a job that is taking submissions. */
    async save(user: User, job: Job, input: SubmissionInput, submit: boolean): Promise<Submission | SubmissionError | 'too_long' | 'not_found' | 'invalid_state'> {
      const [application] = await deps.db
        .select()
        .from(applications)
        .where(and(eq(applications.jobId, job.id), eq(applications.applicantId, user.id)))
      if (!application || application.state !== 'selected') return 'not_selected'
      if (job.state !== 'submitting') return 'invalid_state'
      const [existing] = await deps.db
        .select()
        .from(submissions)
        .where(and(eq(submissions.jobId, job.id), eq(submissions.creatorId, user.id)))
      if (existing && existing.state !== 'draft') return 'already_submitted'
      const wants = (t: DeliverableType) => job.deliverableTypes.includes(t)
      if ((input.text.trim() || input.textFile) && !wants('text')) return 'wrong_deliverable'
      for (const k of ['audio', 'video', 'image'] as const) if (input[k] && !wants(k)) return 'wrong_deliverable'

      if (tooLong(input.text, LIMITS.submissionText)) return 'too_long'
      const values: Partial<Submission> = { text: input.text.trim() }
      const files = [
        ['textFile', 'textFileId'],
        ['audio', 'audioId'],
        ['video', 'videoId'],
        ['image', 'imageId']
      ] as const
      const hasFile = files.some(([field]) => input[field]) || !!(existing && (existing.textFileId || existing.audioId || existing.videoId || existing.imageId))
      if (submit && !values.text && !hasFile) return 'empty_submission'
      // The files are stored already (media/kept.ts); a refusal keeps them for the next try.
      for (const [field, column] of files) if (input[field]) values[column] = input[field]
      const state = submit ? ('submitted' as const) : ('draft' as const)
      const submittedAt = submit ? new Date() : null
      let saved: Submission | undefined
      if (existing) {
        ;[saved] = await deps.db
          .update(submissions)
          .set({ ...values, state, submittedAt })
          .where(and(eq(submissions.id, existing.id), eq(submissions.state, 'draft')))
          .returning()
        if (!saved) return 'already_submitted'
      } else {
        ;[saved] = await deps.db
          .insert(submissions)
          .values({ ...values, jobId: job.id, creatorId: user.id, state, submittedAt })
          .onConflictDoNothing()
          .returning()
        if (!saved) return 'already_submitted'
      }
      if (submit) await deps.transitions.forJob(job.id)
      return saved
    },

    /**
     * The owner accepts a submission. The job row is locked, so concurrent accepts are counted one
     * after the other and never exceed the number of people wanted; the payout is recorded in the
     * same transaction.
     */
    async accept(owner: User, submissionId: string): Promise<Submission | SubmissionError | 'full' | 'not_found' | 'invalid_state'> {
      return deps.db.transaction(async (tx) => {
        const found = await lockJobFor(tx, submissionId)
        if (!found || (found.job.ownerId !== owner.id && !owner.isAdmin)) return 'not_found'
        const { job, submission } = found
        if (job.state !== 'submitting' && job.state !== 'reviewing') return 'invalid_state'
        if (submission.state !== 'submitted') return 'invalid_state'
        const [accepted] = await tx
          .select({ n: count() })
          .from(submissions)
          .where(and(eq(submissions.jobId, job.id), inArray(submissions.state, ['accepted', 'complete'])))
        if ((accepted?.n ?? 0) >= job.maxResponses) return 'full'
        const [updated] = await tx
          .update(submissions)
          .set({ state: 'accepted', decidedAt: new Date() })
          .where(eq(submissions.id, submissionId))
          .returning()
        await deps.onAccepted(tx, job, updated!)
        return updated!
      })
    },

    async decline(owner: User, submissionId: string): Promise<Submission | 'not_found' | 'invalid_state'> {
      return deps.db.transaction(async (tx) => {
        const found = await lockJobFor(tx, submissionId)
        if (!found || (found.job.ownerId !== owner.id && !owner.isAdmin)) return 'not_found'
        if (found.submission.state !== 'submitted') return 'invalid_state'
        const [updated] = await tx
          .update(submissions)
          .set({ state: 'declined', decidedAt: new Date() })
          .where(eq(submissions.id, submissionId))
          .returning()
        return updated!
      })
    },

    /** The creator marks accepted work complete. */
    async markComplete(user: User, submissionId: string): Promise<Submission | 'not_found' | 'invalid_state'> {
      if (!isUuid(submissionId)) return 'not_found'
      const [row] = await deps.db.select().from(submissions).where(eq(submissions.id, submissionId))
      if (!row || row.creatorId !== user.id) return 'not_found'
      if (row.state !== 'accepted') return 'invalid_state'
      const [updated] = await deps.db
        .update(submissions)
        .set({ state: 'complete' })
        .where(and(eq(submissions.id, submissionId), eq(submissions.state, 'accepted')))
        .returning()
      return updated ?? 'invalid_state'
    },

    async getMine(userId: string, jobId: string): Promise<Submission | null> {
      const [row] = await deps.db
        .select()
        .from(submissions)
        .where(and(eq(submissions.jobId, jobId), eq(submissions.creatorId, userId)))
      return row ?? null
    },

    /** Submitted work of a job, for its owner (drafts stay private to their creator). */
    async listForJob(job: Job) {
      return deps.db
        .select({ submission: submissions, creator: { id: users.id, username: users.username, displayName: users.displayName } })
        .from(submissions)
        .innerJoin(users, eq(users.id, submissions.creatorId))
        .where(and(eq(submissions.jobId, job.id), inArray(submissions.state, ['submitted', 'accepted', 'declined', 'complete'])))
        .orderBy(submissions.submittedAt)
    },

    async listMine(userId: string) {
      return deps.db
        .select({ submission: submissions, job: jobs })
        .from(submissions)
        .innerJoin(jobs, eq(jobs.id, submissions.jobId))
        .where(eq(submissions.creatorId, userId))
        .orderBy(desc(submissions.createdAt))
        .limit(200)
    }
  }
}

export type SubmissionService = ReturnType<typeof createSubmissionService>
