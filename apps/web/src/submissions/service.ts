import { and, desc, eq, inArray } from 'drizzle-orm'
import { systemClock, type Clock, type Db, type Tx } from '@voces/platform'
import { submissions, type Submission } from './model.ts'
import type { SubmissionError } from './errors.ts'
import { acceptLocked, lockJobFor, type OnAccepted } from './accept.ts'
import { noSubmissionEvents, type SubmissionEvents } from './events.ts'
import { jobs, type Job } from '../jobs/model.ts'
import type { DeliverableType } from '../domain/deliverables.ts'
import { users, type User } from '../domain/user.ts'
import { applications } from '../applications/model.ts'
import type { JobTransitions } from '../jobs/transitions.ts'
import type { EscrowShortfall } from '../jobs/service.ts'
import { isUuid } from '../domain/ids.ts'
import { DAY_MS, RELEASE_NOTICE_MS } from '../domain/review.ts'
import type { MediaBody, MediaService } from '../media/service.ts'
import type { MediaError } from '../media/errors.ts'
import { LIMITS, tooLong } from '../domain/limits.ts'

/** The form: its text and the ids of files already stored for it by this person (media/kept.ts). */
export interface SubmissionInput {
  text: string
  textFile?: string | undefined
  audio?: string | undefined
  video?: string | undefined
  image?: string | undefined
}

export type { OnAccepted }

/** Called in the transaction that handed a submission in (e.g. to tell the job's owner). */
export type OnSubmitted = (tx: Tx, job: Job, submission: Submission) => Promise<void>

/** A funder's reason for sending work back or declining it: typed, spoken (a recording), or both. */
export interface ReasonInput {
  text: string
  audio?: MediaBody | undefined
}

export function createSubmissionService(deps: {
  db: Db
  media: MediaService
  transitions: JobTransitions
  onAccepted: OnAccepted
  /** Accept means pay: never on money escrow does not hold. */
  escrowShortfall: EscrowShortfall
  events?: SubmissionEvents
  onSubmitted?: OnSubmitted
  clock?: Clock
  /** The review window (auto-release) and the rounds of changes a funder may ask for. */
  review?: { windowMs: number; changeRounds: number }
}) {
  const clock = deps.clock ?? systemClock
  const events = deps.events ?? noSubmissionEvents
  const review = deps.review ?? { windowMs: 7 * DAY_MS, changeRounds: 1 }

  /** Stores a spoken reason, or says why it cannot; a reason is required (typed or spoken). */
  async function storeReason(owner: User, job: Job, input: ReasonInput): Promise<{ text: string; audioId: string | null } | SubmissionError | MediaError> {
    const text = input.text.trim().slice(0, 2000)
    if (!text && !input.audio) return 'reason_required'
    if (!input.audio) return { text, audioId: null }
    const stored = await deps.media.store({ owner, purpose: 'review', jobId: job.id, kind: 'audio', bytes: input.audio })
    return typeof stored === 'string' ? stored : { text, audioId: stored.id }
  }

  /** The funder's decision that leaves the work unpaid for now: changes requested, or declined. */
  async function sendBack(owner: User, submissionId: string, input: ReasonInput, to: 'changes_requested' | 'declined'): Promise<Submission | SubmissionError | MediaError | 'not_found' | 'invalid_state'> {
    if (!isUuid(submissionId)) return 'not_found'
    const [row] = await deps.db.select().from(submissions).where(eq(submissions.id, submissionId))
    const [owned] = row ? await deps.db.select().from(jobs).where(eq(jobs.id, row.jobId)) : []
    if (!row || !owned || (owned.ownerId !== owner.id && !owner.isAdmin)) return 'not_found'
    if (row.state !== 'submitted') return 'invalid_state'
    if (to === 'changes_requested' && row.changeRounds >= review.changeRounds) return 'no_change_rounds'
    const reason = await storeReason(owner, owned, input)
    if (typeof reason === 'string') return reason
    const result = await deps.db.transaction(async (tx) => {
      const found = await lockJobFor(tx, submissionId)
      if (!found) return 'not_found' as const
      const { job, submission } = found
      if (submission.state !== 'submitted') return 'invalid_state' as const
      if (to === 'changes_requested' && (job.state !== 'submitting' && job.state !== 'reviewing')) return 'invalid_state' as const
      if (to === 'changes_requested' && submission.changeRounds >= review.changeRounds) return 'no_change_rounds' as const
      const [updated] = await tx
        .update(submissions)
        .set({
          state: to,
          reviewReason: reason.text || null,
          reviewAudioId: reason.audioId,
          nextAttemptAt: null,
          releaseNoticeAt: null,
          ...(to === 'declined' ? { decidedAt: clock.now() } : { changeRounds: submission.changeRounds + 1 })
        })
        .where(eq(submissions.id, submissionId))
        .returning()
      if (to === 'changes_requested') await events.onChangesRequested(tx, { job, submission: updated! })
      return updated!
    })
    if (typeof result === 'string') await deps.media.remove([reason.audioId ?? undefined])
    return result
  }

  return {
    /** The review window's length, and when a submission sent at `submittedAt` is accepted automatically. */
    review,
    releaseAt: (submittedAt: Date) => new Date(submittedAt.getTime() + review.windowMs),

    /** Saves a draft or submits, for selected applicants of a job that is taking submissions. */
    /**
     * May this person hand in work for this job now? Asked before the form's files are stored, so that
     * nothing is kept for someone who may not submit; save() asks again.
     */
    async maySubmit(user: User, job: Job): Promise<{ existing: Submission | undefined; resubmitting: boolean } | 'not_selected' | 'invalid_state' | 'already_submitted'> {
      const [application] = await deps.db
        .select()
        .from(applications)
        .where(and(eq(applications.jobId, job.id), eq(applications.applicantId, user.id)))
      if (!application || application.state !== 'selected') return 'not_selected'
      const [existing] = await deps.db
        .select()
        .from(submissions)
        .where(and(eq(submissions.jobId, job.id), eq(submissions.creatorId, user.id)))
      // Work sent back for changes is sent again while the job is still being reviewed.
      const resubmitting = existing?.state === 'changes_requested'
      if (job.state !== 'submitting' && !(resubmitting && job.state === 'reviewing')) return 'invalid_state'
      if (existing && existing.state !== 'draft' && !resubmitting) return 'already_submitted'
      return { existing, resubmitting }
    },

    async save(user: User, job: Job, input: SubmissionInput, submit: boolean): Promise<Submission | SubmissionError | 'too_long' | 'not_found' | 'invalid_state'> {
      const allowed = await this.maySubmit(user, job)
      if (typeof allowed === 'string') return allowed
      const { existing, resubmitting } = allowed
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
      // Sent back for changes, a saved draft stays "changes requested" (its reason still shown).
      const state = submit ? ('submitted' as const) : resubmitting ? ('changes_requested' as const) : ('draft' as const)
      const submittedAt = submit ? clock.now() : null
      // The auto-release queue's first step: the "coming" notice, 2 days before the window ends.
      const nextAttemptAt = submittedAt ? new Date(Math.max(submittedAt.getTime(), submittedAt.getTime() + review.windowMs - RELEASE_NOTICE_MS)) : null
      const saved = await deps.db.transaction(async (tx) => {
        const [row] = existing
          ? await tx
              .update(submissions)
              .set({ ...values, state, submittedAt, nextAttemptAt, releaseNoticeAt: null })
              .where(and(eq(submissions.id, existing.id), eq(submissions.state, resubmitting ? 'changes_requested' : 'draft')))
              .returning()
          : await tx
              .insert(submissions)
              .values({ ...values, jobId: job.id, creatorId: user.id, state, submittedAt, nextAttemptAt })
              .onConflictDoNothing()
              .returning()
        // The owner is told in the same transaction: a first hand-in, or work sent again after changes.
        if (row && submit) await (resubmitting ? events.onResubmitted(tx, { job, submission: row }) : deps.onSubmitted?.(tx, job, row))
        return row
      })
      if (!saved) {
        return 'already_submitted'
      }
      if (submit) await deps.transitions.forJob(job.id)
      return saved
    },

    /**
     * The owner accepts a submission. The job row is locked, so concurrent accepts are counted one
     * after the other and never exceed the number of people wanted; the payout is recorded in the
     * same transaction (accept.ts).
     */
    async accept(owner: User, submissionId: string): Promise<Submission | SubmissionError | 'full' | 'underfunded' | 'not_found' | 'invalid_state'> {
      return deps.db.transaction(async (tx) => {
        const found = await lockJobFor(tx, submissionId)
        if (!found || (found.job.ownerId !== owner.id && !owner.isAdmin)) return 'not_found'
        return acceptLocked(tx, found, clock.now(), deps)
      })
    },

    /** Declining needs a reason (typed or spoken); the pay stays in escrow (refunded when the job closes). */
    decline: (owner: User, submissionId: string, reason: ReasonInput) => sendBack(owner, submissionId, reason, 'declined'),

    /** Sends submitted work back with a reason, within the rounds allowed; the creator may send it again. */
    requestChanges: (owner: User, submissionId: string, reason: ReasonInput) => sendBack(owner, submissionId, reason, 'changes_requested'),

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

    /** A submission with its job and creator, for the job's owner (or an admin) only. */
    async forOwner(owner: User, submissionId: string) {
      if (!isUuid(submissionId)) return 'not_found' as const
      const [row] = await deps.db
        .select({ submission: submissions, job: jobs, creator: { username: users.username, displayName: users.displayName } })
        .from(submissions)
        .innerJoin(jobs, eq(jobs.id, submissions.jobId))
        .innerJoin(users, eq(users.id, submissions.creatorId))
        .where(eq(submissions.id, submissionId))
      if (!row || (row.job.ownerId !== owner.id && !owner.isAdmin) || row.submission.state === 'draft') return 'not_found' as const
      return row
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
        .where(and(eq(submissions.jobId, job.id), inArray(submissions.state, ['submitted', 'changes_requested', 'accepted', 'declined', 'disputed', 'complete'])))
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
