import { and, count, desc, eq } from 'drizzle-orm'
import type { Db } from '@voces/platform'
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

export function createApplicationService(deps: { db: Db; jobs: JobService; media: MediaService; transitions: JobTransitions }) {
  return {
    /** Apply once per job, never to one's own; files default to the applicant's profile files. */
    async apply(user: User, jobId: string, input: ApplyInput): Promise<Application | ApplicationError | 'too_long' | 'not_found'> {
      const job = await deps.jobs.getForViewer(user, jobId)
      if (job === 'not_found') return job
      if (job.ownerId === user.id) return 'own_job'
      if (job.state !== 'recruiting') return 'not_recruiting'
      if (await this.getMine(user.id, jobId)) return 'already_applied'
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
      const rows = await deps.db
        .insert(applications)
        .values({ jobId, applicantId: user.id, note: input.note.trim(), ...ids })
        .onConflictDoNothing()
        .returning()
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
