import { desc, eq } from 'drizzle-orm'
import { systemClock, type Clock, type Db, type Tx } from '@voces/platform'
import { disputes, type Dispute, type DisputeDecision } from './model.ts'
import type { DisputeError } from './errors.ts'
import { submissions, type Submission } from '../submissions/model.ts'
import { lockJobFor } from '../submissions/accept.ts'
import { jobs, type Job } from '../jobs/model.ts'
import { users, type User } from '../domain/user.ts'
import { isUuid } from '../domain/ids.ts'

export interface DisputeEvent {
  dispute: Dispute
  job: Job
  submission: Submission
}
export type DisputeListener = (tx: Tx, event: DisputeEvent) => Promise<void>
export interface DisputeEvents {
  onDisputeOpened: DisputeListener
  onDisputeDecided: DisputeListener
}

/** What the payouts feature schedules for a decision (payouts/service.ts), in the decision's transaction. */
export interface DisputeMoney {
  schedulePayout(tx: Tx, job: Job, submission: Submission, amount: bigint, fee: bigint | null): Promise<void>
  scheduleRefund(tx: Tx, job: Job, amount: bigint): Promise<void>
  /** What escrow's fixed-receive payout of `amount` costs in fees now (the escrow wallet's own quote), or null if it cannot tell. */
  payoutFee(job: Job, amount: bigint): Promise<bigint | null>
}

/** Work that can be disputed: not yet paid, or declined, while the job's money is still in escrow. */
const DISPUTABLE = ['submitted', 'changes_requested', 'declined'] as const
const OPEN_JOB = ['submitting', 'reviewing'] as const

/** For a decision, what goes to the creator (the rest of the pay goes back to the funder). */
export function creatorShare(job: Pick<Job, 'amountPerPerson'>, decision: DisputeDecision, splitAmount: bigint | null): bigint | 'invalid_split' {
  if (decision === 'release') return job.amountPerPerson
  if (decision === 'refund') return 0n
  if (splitAmount === null || splitAmount <= 0n || splitAmount >= job.amountPerPerson) return 'invalid_split'
  return splitAmount
}

/**
 * What a decision moves besides the creator's part: the refund to the funder is the person's whole share
 * (pay and the payout fee reserve the funder paid for it) less what the creator's payout takes from
 * escrow (her part, fixed receive, plus its fee). A split's payout fee is quoted before deciding
 * (`splitFee`, kept on the payout so escrow knows what it takes); when it is not known, the whole
 * reserve stays for the payout and what it does not use goes back when the job closes.
 */
export function decisionMoney(job: Pick<Job, 'amountPerPerson' | 'payoutFeePerPerson'>, toCreator: bigint, splitFee: bigint | null): { toFunder: bigint; payoutFee: bigint | null } {
  const reserve = job.payoutFeePerPerson ?? 0n
  if (toCreator === 0n) return { toFunder: job.amountPerPerson + reserve, payoutFee: null }
  const quoted = toCreator < job.amountPerPerson && splitFee !== null && splitFee <= reserve ? splitFee : null
  return { toFunder: job.amountPerPerson + reserve - toCreator - (quoted ?? reserve), payoutFee: quoted }
}

/**
 * Disputes: the funder or the creator of a submission opens one with a reason; that person's share of
 * escrow is frozen (payouts/ledger.ts) until an admin decides: release to the creator, refund to the
 * funder, or split. The decision schedules the payout and/or refund in its own transaction, under the
 * job's lock, so deciding twice (two admins, a double click) moves the money once.
 */
export function createDisputeService(deps: { db: Db; money: DisputeMoney; events: DisputeEvents; clock?: Clock }) {
  const clock = deps.clock ?? systemClock

  return {
    creatorShare,

    /** The submission a person may dispute (its job's owner or its creator), or not_found. */
    async disputable(user: User, submissionId: string): Promise<{ job: Job; submission: Submission; allowed: boolean } | 'not_found'> {
      if (!isUuid(submissionId)) return 'not_found'
      const [row] = await deps.db.select({ submission: submissions, job: jobs }).from(submissions).innerJoin(jobs, eq(jobs.id, submissions.jobId)).where(eq(submissions.id, submissionId))
      if (!row || (row.job.ownerId !== user.id && row.submission.creatorId !== user.id)) return 'not_found'
      const allowed = (DISPUTABLE as readonly string[]).includes(row.submission.state) && (OPEN_JOB as readonly string[]).includes(row.job.state)
      return { ...row, allowed }
    },

    async open(user: User, submissionId: string, reason: string): Promise<Dispute | DisputeError | 'not_found' | 'invalid_state'> {
      const text = reason.trim().slice(0, 2000)
      return deps.db.transaction(async (tx) => {
        const found = await lockJobFor(tx, submissionId)
        if (!found || (found.job.ownerId !== user.id && found.submission.creatorId !== user.id)) return 'not_found'
        const { job, submission } = found
        if (!text) return 'dispute_reason_required'
        if (submission.state === 'disputed') return 'already_disputed'
        if (!(DISPUTABLE as readonly string[]).includes(submission.state) || !(OPEN_JOB as readonly string[]).includes(job.state)) return 'invalid_state'
        const [dispute] = await tx
          .insert(disputes)
          .values({ submissionId, jobId: job.id, openedBy: user.id, reason: text, previousState: submission.state, createdAt: clock.now() })
          .onConflictDoNothing({ target: disputes.submissionId })
          .returning()
        if (!dispute) return 'already_disputed'
        const [frozen] = await tx.update(submissions).set({ state: 'disputed', nextAttemptAt: null }).where(eq(submissions.id, submissionId)).returning()
        await deps.events.onDisputeOpened(tx, { dispute, job, submission: frozen! })
        return dispute
      })
    },

    /** An admin's decision; `splitAmount` (minor units) is what the creator gets in a split. */
    async decide(admin: User, disputeId: string, decision: DisputeDecision, splitAmount: bigint | null): Promise<DisputeEvent | DisputeError | 'not_found' | 'invalid_state'> {
      if (!admin.isAdmin || !isUuid(disputeId)) return 'not_found'
      const [first] = await deps.db.select().from(disputes).where(eq(disputes.id, disputeId))
      if (!first) return 'not_found'
      // A split's payout fee is asked of the wallet first, outside any transaction (it is a wallet call).
      const [before] = await deps.db.select().from(jobs).where(eq(jobs.id, first.jobId))
      const asked = before ? creatorShare(before, decision, splitAmount) : 'invalid_split'
      const splitFee = before && typeof asked === 'bigint' && asked > 0n && asked < before.amountPerPerson ? await deps.money.payoutFee(before, asked) : null
      return deps.db.transaction(async (tx) => {
        const found = await lockJobFor(tx, first.submissionId)
        if (!found) return 'not_found'
        const { job } = found
        // Read again under the job's lock: another admin may have decided meanwhile.
        const [dispute] = await tx.select().from(disputes).where(eq(disputes.id, disputeId))
        if (!dispute || dispute.state !== 'open') return 'invalid_state'
        const toCreator = creatorShare(job, decision, splitAmount)
        if (typeof toCreator === 'string') return toCreator
        const now = clock.now()
        const [decided] = await tx
          .update(disputes)
          .set({ state: 'decided', decision, creatorAmount: toCreator, decidedBy: admin.id, decidedAt: now })
          .where(eq(disputes.id, disputeId))
          .returning()
        const [submission] = await tx
          .update(submissions)
          .set({ state: toCreator > 0n ? 'accepted' : 'declined', decidedAt: now, nextAttemptAt: null })
          .where(eq(submissions.id, dispute.submissionId))
          .returning()
        // The dispute is no longer open, so its share (pay and fee reserve) is no longer frozen. The refund
        // is the share less what the payout takes, so it never takes the creator's pay or her payout's fee.
        const { toFunder, payoutFee } = decisionMoney(job, toCreator, splitFee)
        if (toFunder > 0n) await deps.money.scheduleRefund(tx, job, toFunder)
        if (toCreator > 0n) await deps.money.schedulePayout(tx, job, submission!, toCreator, payoutFee)
        const event = { dispute: decided!, job, submission: submission! }
        await deps.events.onDisputeDecided(tx, event)
        return event
      })
    },

    async get(disputeId: string) {
      if (!isUuid(disputeId)) return null
      const [row] = await deps.db
        .select({ dispute: disputes, submission: submissions, job: jobs, opener: { username: users.username, displayName: users.displayName } })
        .from(disputes)
        .innerJoin(submissions, eq(submissions.id, disputes.submissionId))
        .innerJoin(jobs, eq(jobs.id, disputes.jobId))
        .innerJoin(users, eq(users.id, disputes.openedBy))
        .where(eq(disputes.id, disputeId))
      return row ?? null
    },

    async forSubmission(submissionId: string): Promise<Dispute | null> {
      const [row] = await deps.db.select().from(disputes).where(eq(disputes.submissionId, submissionId))
      return row ?? null
    },

    /** Every dispute, open ones first (admins). */
    async list() {
      return deps.db
        .select({ dispute: disputes, job: { id: jobs.id, title: jobs.title, assetCode: jobs.assetCode, assetScale: jobs.assetScale }, opener: { username: users.username } })
        .from(disputes)
        .innerJoin(jobs, eq(jobs.id, disputes.jobId))
        .innerJoin(users, eq(users.id, disputes.openedBy))
        .orderBy(desc(eq(disputes.state, 'open')), desc(disputes.createdAt))
        .limit(200)
    }
  }
}

export type DisputeService = ReturnType<typeof createDisputeService>
