import { and, count, eq, inArray } from 'drizzle-orm'
import type { Tx } from '@voces/platform'
import { submissions, type Submission } from './model.ts'
import { jobs, type Job } from '../jobs/model.ts'
import { isUuid } from '../domain/ids.ts'
import type { EscrowShortfall } from '../jobs/service.ts'

/** Called inside the accept transaction: records the creator's payout (exactly once per submission). */
export type OnAccepted = (tx: Tx, job: Job, submission: Submission) => Promise<void>

/** How an accepted submission is paid: its payout recorded, and only on money escrow holds. */
export interface AcceptPayment {
  onAccepted: OnAccepted
  escrowShortfall: EscrowShortfall
}

/**
 * Locks the submission's job (every decision on a job's submissions is taken under that lock, one after
 * the other) and reads the submission again under it: another request may have changed it meanwhile.
 */
export async function lockJobFor(tx: Tx, submissionId: string): Promise<{ job: Job; submission: Submission } | null> {
  if (!isUuid(submissionId)) return null
  const [row] = await tx.select().from(submissions).where(eq(submissions.id, submissionId))
  if (!row) return null
  const [job] = await tx.select().from(jobs).where(eq(jobs.id, row.jobId)).for('update')
  if (!job) return null
  const [submission] = await tx.select().from(submissions).where(eq(submissions.id, submissionId))
  return { job, submission: submission! }
}

/**
 * Accepts a submitted piece of work under its job's lock (lockJobFor), never beyond the number of people
 * wanted, and records its payout in the same transaction. By the funder, or by the review window running out.
 */
export async function acceptLocked(
  tx: Tx,
  found: { job: Job; submission: Submission },
  at: Date,
  pay: AcceptPayment,
  auto = false
): Promise<Submission | 'full' | 'underfunded' | 'invalid_state'> {
  const { job, submission } = found
  if (job.state !== 'submitting' && job.state !== 'reviewing') return 'invalid_state'
  if (submission.state !== 'submitted') return 'invalid_state'
  const [accepted] = await tx
    .select({ n: count() })
    .from(submissions)
    .where(and(eq(submissions.jobId, job.id), inArray(submissions.state, ['accepted', 'complete'])))
  if ((accepted?.n ?? 0) >= job.maxResponses) return 'full'
  // Accept means pay: never on money escrow does not hold (the job row is locked, so two accepts queue).
  if ((await pay.escrowShortfall(tx, job, 1)) > 0n) return 'underfunded'
  const [updated] = await tx
    .update(submissions)
    .set({ state: 'accepted', decidedAt: at, nextAttemptAt: null, ...(auto ? { autoReleasedAt: at } : {}) })
    .where(and(eq(submissions.id, submission.id), eq(submissions.state, 'submitted')))
    .returning()
  if (!updated) return 'invalid_state'
  await pay.onAccepted(tx, job, updated)
  return updated
}
