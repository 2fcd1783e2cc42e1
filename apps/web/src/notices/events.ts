import { sql } from 'drizzle-orm'
import { queryRows, type Tx } from '@voces/platform'
import type { NoticeKind, NoticeParams } from './model.ts'
import type { Notify } from './service.ts'

/*
 * Who is told what, for each event of the marketplace. Each function runs inside the event's own
 * transaction (app.ts passes them to the features as callbacks), so a notice is committed with its
 * event or not at all, and its dedupe key makes a repeated event (a retry, a second worker) a no-op.
 * Notices sit beside the features rather than above them: what they need of a job, an application or
 * a payout is given structurally, and what they must look up they read in SQL.
 */

/** What a notice needs of a job (the jobs model's rows fit). */
export interface JobRef {
  id: string
  title: string
  ownerId: string
  amountPerPerson?: bigint
  assetCode?: string
  assetScale?: number
}
/** What a notice needs of a submission or an application: who made it. */
export interface WorkRef {
  id: string
  creatorId: string
}
export interface MoneyRef {
  id: string
  jobId: string
  receiverId: string
  amount: bigint
  assetCode: string
  assetScale: number
  received?: bigint | null
  receivedAssetCode?: string | null
  receivedAssetScale?: number | null
}
export interface FundingRef {
  id: string
  jobId: string
  payerId: string
  state: string
  failureReason: string | null
}

const jobLink = (jobId: string) => `/jobs/${jobId}`

async function jobTitle(tx: Tx, jobId: string): Promise<string> {
  const [row] = await queryRows<{ title: string }>(tx, sql`select title from web.jobs where id = ${jobId}`)
  return row?.title ?? ''
}

async function displayName(tx: Tx, userId: string): Promise<string> {
  const [row] = await queryRows<{ name: string }>(tx, sql`select display_name as name from web.users where id = ${userId}`)
  return row?.name ?? ''
}

/** The job's pay per person as notice parameters (formatted when shown, in the reader's language). */
function pay(job: JobRef): NoticeParams {
  return job.amountPerPerson !== undefined && job.assetCode && job.assetScale !== undefined
    ? { amount: job.amountPerPerson.toString(), assetCode: job.assetCode, assetScale: job.assetScale }
    : {}
}

export function createNoticeEvents(notify: Notify) {
  const tell = (tx: Tx, userId: string, kind: NoticeKind, key: string, link: string, params: NoticeParams) =>
    notify(tx, { userId, kind, params, link, dedupeKey: `${kind}:${key}:${userId}` })

  /** Both sides of a submission: the creator and the job's owner. */
  const both = async (tx: Tx, job: JobRef, work: WorkRef, kind: NoticeKind, params: NoticeParams = {}) => {
    const p = { title: job.title, ...pay(job), ...params }
    await tell(tx, work.creatorId, kind, work.id, jobLink(job.id), p)
    await tell(tx, job.ownerId, kind, work.id, jobLink(job.id), p)
  }

  return {
    /** To the funder: someone applied to their job. */
    async applied(tx: Tx, job: JobRef, application: { id: string; applicantId: string }) {
      await tell(tx, job.ownerId, 'applied', application.id, jobLink(job.id), { title: job.title, name: await displayName(tx, application.applicantId) })
    },

    /** To the applicant: the funder chose them (once per application, even if chosen again). */
    async selected(tx: Tx, job: JobRef, application: { id: string; applicantId: string; state: string }) {
      if (application.state !== 'selected') return
      await tell(tx, application.applicantId, 'selected', application.id, jobLink(job.id), { title: job.title, ...pay(job) })
    },

    /** Work started: the selected may submit; everyone else who applied was not chosen. */
    async workStarted(tx: Tx, job: JobRef) {
      const rows = await queryRows<{ id: string; applicant_id: string; state: string }>(
        tx,
        sql`select id, applicant_id, state from web.applications where job_id = ${job.id}`
      )
      for (const a of rows) {
        const kind = a.state === 'selected' ? 'work_started' : 'not_selected'
        await tell(tx, a.applicant_id, kind, a.id, jobLink(job.id), { title: job.title, ...pay(job) })
      }
    },

    /** To the funder: a creator submitted (or resubmitted, `round` > 1). */
    async submissionReceived(tx: Tx, job: JobRef, submission: WorkRef, round = 1) {
      const kind = round > 1 ? 'resubmitted' : 'submission_received'
      await tell(tx, job.ownerId, kind, `${submission.id}:${round}`, jobLink(job.id), { title: job.title, name: await displayName(tx, submission.creatorId) })
    },

    /** To the creator: the funder sent the submission back with a reason. */
    async changesRequested(tx: Tx, job: JobRef, submission: WorkRef, reason: string, round = 1) {
      await tell(tx, submission.creatorId, 'changes_requested', `${submission.id}:${round}`, jobLink(job.id), { title: job.title, reason: reason.slice(0, 500) })
    },

    /** To both sides, ahead of the review window's end. */
    autoReleaseSoon: (tx: Tx, job: JobRef, submission: WorkRef) => both(tx, job, submission, 'auto_release_soon'),
    /** To both sides, when the submission was accepted because the review window ended. */
    autoReleased: (tx: Tx, job: JobRef, submission: WorkRef) => both(tx, job, submission, 'auto_released'),
    /** To both sides: a dispute freezes this submission's escrow until an admin decides. */
    disputeOpened: (tx: Tx, job: JobRef, submission: WorkRef) => both(tx, job, submission, 'dispute_opened'),
    /** To both sides, with the admin's decision (told in each reader's language). */
    disputeDecided: (tx: Tx, job: JobRef, submission: WorkRef, decision: 'release' | 'refund' | 'split') =>
      both(tx, job, submission, 'dispute_decided', { decision }),

    /** To the funder: an applicant withdrew. */
    async applicationWithdrawn(tx: Tx, job: JobRef, application: { id: string; applicantId: string }) {
      await tell(tx, job.ownerId, 'application_withdrawn', application.id, jobLink(job.id), { title: job.title, name: await displayName(tx, application.applicantId) })
    },

    /**
     * Money reached a wallet: a payout to the creator (`paid`) or a refund to the funder (`refunded`).
     * Called only when the payments service reports the payout completed — never announced before.
     * The amount told is what the receiver's wallet received, in its asset, when the service says so.
     */
    async moneyArrived(tx: Tx, payout: MoneyRef & { kind: string }) {
      const received =
        payout.received != null && payout.receivedAssetCode && payout.receivedAssetScale != null
          ? { amount: payout.received.toString(), assetCode: payout.receivedAssetCode, assetScale: payout.receivedAssetScale }
          : { amount: payout.amount.toString(), assetCode: payout.assetCode, assetScale: payout.assetScale }
      const kind = payout.kind === 'refund' ? 'refunded' : 'paid'
      await tell(tx, payout.receiverId, kind, payout.id, jobLink(payout.jobId), { title: await jobTitle(tx, payout.jobId), ...received })
    },

    /** To the funder: their payment into escrow ended without money (not a Try again replacing it). */
    async fundingEnded(tx: Tx, funding: FundingRef) {
      if (!['failed', 'rejected', 'expired'].includes(funding.state)) return
      if (funding.failureReason?.startsWith('superseded')) return
      await tell(tx, funding.payerId, 'funding_failed', funding.id, `${jobLink(funding.jobId)}?funding=${funding.id}`, { title: await jobTitle(tx, funding.jobId) })
    }
  }
}

export type NoticeEvents = ReturnType<typeof createNoticeEvents>
