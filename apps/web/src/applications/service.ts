import { and, count, desc, eq } from 'drizzle-orm'
import type { Db, Tx } from '@voces/platform'
import { applications, type Application, type ApplicationState } from './model.ts'
import type { ApplicationError } from './errors.ts'
import { jobs, type Job } from '../jobs/model.ts'
import { users, type User } from '../domain/user.ts'
import type { JobService } from '../jobs/service.ts'
import type { JobTransitions } from '../jobs/transitions.ts'
import { isUuid } from '../domain/ids.ts'
import type { MediaService } from '../media/service.ts'
import { LIMITS, tooLong } from '../domain/limits.ts'

/** The form: the note and the ids of files already stored for it by this person (media/kept.ts). */
export interface ApplyInput {
  note: string
  audio?: string | undefined
  video?: string | undefined
  image?: string | undefined
}

/** Told inside the transaction that did it (app.ts wires them; notices subscribe). */
export interface ApplicationEvents {
  /** The applicant took the application back before anyone was selected (the row is gone). */
  onApplicationWithdrawn(tx: Tx, event: { application: Application; job: Job }): Promise<void>
  /** The work started without this applicant. */
  onNotChosen(tx: Tx, event: { application: Application; job: Job }): Promise<void>
}

/** Called in the transaction that recorded an application (e.g. to tell the job's owner). */
export type OnApplied = (tx: Tx, job: Job, application: Application) => Promise<void>
/** Called in the transaction of an owner's decision on an application (e.g. to tell the applicant). */
export type OnDecided = (tx: Tx, job: Job, application: Application) => Promise<void>

export function createApplicationService(deps: {
  db: Db
  jobs: JobService
  media: MediaService
  transitions: JobTransitions
  events?: ApplicationEvents
  onApplied?: OnApplied
  onDecided?: OnDecided
}) {
  const events = deps.events ?? { onApplicationWithdrawn: async () => {}, onNotChosen: async () => {} }
  return {
    /**
     * The applicant withdraws a pending application while the job is still choosing; applying again is
     * then possible. Selected applications are not withdrawn here (the owner has counted on them).
     */
    async withdraw(user: User, applicationId: string): Promise<{ application: Application; job: Job } | 'not_found' | 'invalid_state'> {
      if (!isUuid(applicationId)) return 'not_found'
      return deps.db.transaction(async (tx) => {
        const [row] = await tx.select().from(applications).where(eq(applications.id, applicationId))
        if (!row || row.applicantId !== user.id) return 'not_found'
        const [job] = await tx.select().from(jobs).where(eq(jobs.id, row.jobId)).for('update')
        if (!job) return 'not_found'
        if (row.state !== 'pending' || (job.state !== 'recruiting' && job.state !== 'selecting')) return 'invalid_state'
        const [gone] = await tx.delete(applications).where(and(eq(applications.id, applicationId), eq(applications.state, 'pending'))).returning()
        if (!gone) return 'invalid_state'
        await events.onApplicationWithdrawn(tx, { application: gone, job })
        return { application: gone, job }
      })
    },

    /** When the work starts (in its transaction): every application still pending is not chosen, and told so. */
    async closeUnchosen(tx: Tx, job: Job): Promise<void> {
      const unchosen = await tx
        .update(applications)
        .set({ state: 'rejected' })
        .where(and(eq(applications.jobId, job.id), eq(applications.state, 'pending')))
        .returning()
      for (const application of unchosen) await events.onNotChosen(tx, { application, job })
    },

    /** Apply once per job, never to one's own; files default to the applicant's profile files. */
    /** Why this person may not apply to this job now, if so; asked before the form's files are stored, and again by apply(). */
    async mayApply(user: User, job: Job): Promise<ApplicationError | undefined> {
      if (job.ownerId === user.id) return 'own_job'
      if (job.state !== 'recruiting') return 'not_recruiting'
      if (await this.getMine(user.id, job.id)) return 'already_applied'
      return undefined
    },

    async apply(user: User, jobId: string, input: ApplyInput): Promise<Application | ApplicationError | 'too_long' | 'not_found'> {
      const job = await deps.jobs.getForViewer(user, jobId)
      if (job === 'not_found') return job
      const refused = await this.mayApply(user, job)
      if (refused) return refused
      const ids: { audioId: string | null; videoId: string | null; imageId: string | null } = {
        audioId: user.profileAudioId,
        videoId: user.profileVideoId,
        imageId: user.profileImageId
      }
      if (tooLong(input.note, LIMITS.applicationNote)) return 'too_long'
      for (const kind of ['audio', 'video', 'image'] as const) {
        const id = input[kind]
        if (id) ids[`${kind}Id`] = id
      }
      const rows = await deps.db.transaction(async (tx) => {
        const inserted = await tx
          .insert(applications)
          .values({ jobId, applicantId: user.id, note: input.note.trim(), ...ids })
          .onConflictDoNothing()
          .returning()
        if (inserted[0]) await deps.onApplied?.(tx, job, inserted[0])
        return inserted
      })
      if (!rows[0]) return 'already_applied'
      await deps.transitions.forJob(jobId)
      return rows[0]
    },

    /** The owner selects, rejects or resets an application while the job is recruiting or selecting. */
    async decide(owner: User, applicationId: string, state: ApplicationState): Promise<{ application: Application; job: Job } | 'not_found' | 'invalid_state' | 'full'> {
      if (!isUuid(applicationId)) return 'not_found'
      return deps.db.transaction(async (tx) => {
        const [row] = await tx.select().from(applications).where(eq(applications.id, applicationId))
        if (!row) return 'not_found'
        // Lock the job: selections are counted against the number of people wanted.
        const [job] = await tx.select().from(jobs).where(eq(jobs.id, row.jobId)).for('update')
        if (!job || (job.ownerId !== owner.id && !owner.isAdmin)) return 'not_found'
        if (job.state !== 'recruiting' && job.state !== 'selecting') return 'invalid_state'
        if (state === 'selected' && row.state !== 'selected') {
          const [selected] = await tx
            .select({ n: count() })
            .from(applications)
            .where(and(eq(applications.jobId, job.id), eq(applications.state, 'selected')))
          if ((selected?.n ?? 0) >= job.maxResponses) return 'full'
        }
        const [updated] = await tx.update(applications).set({ state }).where(eq(applications.id, applicationId)).returning()
        await deps.onDecided?.(tx, job, updated!)
        return { application: updated!, job }
      })
    },

    async getMine(userId: string, jobId: string): Promise<Application | null> {
      const [row] = await deps.db
        .select()
        .from(applications)
        .where(and(eq(applications.jobId, jobId), eq(applications.applicantId, userId)))
      return row ?? null
    },

    /** The applications of a job, for its owner only. */
    async listForJob(job: Job) {
      return deps.db
        .select({ application: applications, applicant: { id: users.id, username: users.username, displayName: users.displayName, note: users.note, nativeLanguages: users.nativeLanguages } })
        .from(applications)
        .innerJoin(users, eq(users.id, applications.applicantId))
        .where(eq(applications.jobId, job.id))
        .orderBy(applications.createdAt)
    },

    async listMine(userId: string) {
      return deps.db
        .select({ application: applications, job: jobs })
        .from(applications)
        .innerJoin(jobs, eq(jobs.id, applications.jobId))
        .where(eq(applications.applicantId, userId))
        .orderBy(desc(applications.createdAt))
        .limit(200)
    }
  }
}

export type ApplicationService = ReturnType<typeof createApplicationService>
