import { eq, sql } from 'drizzle-orm'
import { claimDue, systemClock, type Clock, type Db, type Logger } from '@voces/platform'
import { submissions } from './model.ts'
import { acceptLocked, lockJobFor, type AcceptPayment } from './accept.ts'
import type { SubmissionEvents } from './events.ts'
import { RELEASE_NOTICE_MS } from '../domain/review.ts'

/**
 * Auto-release: work not accepted, declined or sent back within the review window is accepted and paid.
 * Submitted rows are a queue on the platform's leased queue (claimDue on `release_step_at`): the first
 * step tells both sides it is coming (2 days before), the second accepts it. Each step is decided again
 * under the job's lock, guarded by the submission's state, so two workers (or a worker and the funder
 * pressing Accept) never accept twice, and the payout's unique reference pays it once.
 */
export function createAutoRelease(deps: {
  db: Db
  logger: Logger
  windowMs: number
  pay: AcceptPayment
  events: Pick<SubmissionEvents, 'onAutoReleaseSoon' | 'onAutoReleased'>
  clock?: Clock
  /** How long a claimed row is leased (then claimed again if its step did not finish, e.g. a crash). */
  leaseMs?: number
}) {
  const clock = deps.clock ?? systemClock
  const leaseMs = deps.leaseMs ?? 10 * 60_000

  /** One step for one claimed submission; returns what happened. */
  async function step(id: string, now: Date): Promise<'released' | 'noticed' | 'waiting' | 'skipped'> {
    return deps.db.transaction(async (tx) => {
      const found = await lockJobFor(tx, id)
      if (!found || found.submission.state !== 'submitted' || !found.submission.submittedAt) return 'skipped'
      const { job, submission } = found
      const releaseAt = new Date(submission.submittedAt!.getTime() + deps.windowMs)
      if (now >= releaseAt) {
        const accepted = await acceptLocked(tx, found, now, deps.pay, true)
        if (accepted === 'underfunded') {
          // Escrow lacks the pay (funds arrive later, or a top-up): try again when the lease runs out.
          deps.logger.warn({ submissionId: id, jobId: job.id }, 'auto-release waits for escrow to hold the pay')
          return 'waiting'
        }
        if (typeof accepted === 'string') {
          // The job is closed or already has everyone it wanted: nothing can be paid, so stop trying.
          deps.logger.warn({ submissionId: id, jobId: job.id, reason: accepted }, 'auto-release not possible')
          await tx.update(submissions).set({ nextAttemptAt: null }).where(eq(submissions.id, id))
          return 'skipped'
        }
        await deps.events.onAutoReleased(tx, { job, submission: accepted })
        return 'released'
      }
      if (!submission.releaseNoticeAt && now.getTime() >= releaseAt.getTime() - RELEASE_NOTICE_MS) {
        const [noticed] = await tx
          .update(submissions)
          .set({ releaseNoticeAt: now, nextAttemptAt: releaseAt })
          .where(eq(submissions.id, id))
          .returning()
        await deps.events.onAutoReleaseSoon(tx, { job, submission: noticed! })
        return 'noticed'
      }
      await tx.update(submissions).set({ nextAttemptAt: releaseAt }).where(eq(submissions.id, id))
      return 'waiting'
    })
  }

  return {
    /** One round: every due step; returns how many submissions were accepted or told. */
    async tick(now: Date = clock.now()): Promise<number> {
      const due = await claimDue(deps.db, submissions, { ready: sql`state = 'submitted'`, limit: 20, leaseMs, now })
      let done = 0
      for (const s of due) {
        const result = await step(s.id, now)
        if (result === 'released' || result === 'noticed') done++
      }
      return done
    }
  }
}

export type AutoRelease = ReturnType<typeof createAutoRelease>
