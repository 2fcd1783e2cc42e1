import { and, count, desc, eq, ilike, inArray, notInArray, or, sql, type SQL } from 'drizzle-orm'
import { queryRows, type Db } from '@voces/platform'
import { users, type User } from '../../domain/user.ts'
import type { Role } from '../../users/service.ts'
import { sessions } from '../../sessions/model.ts'
import { jobs, JOB_STATES, type Job, type JobState } from '../../jobs/model.ts'
import { fundings, FINAL_FUNDING_STATES, type Funding } from '../../funding/model.ts'
import { webhookDeliveries } from '../../payments-client/model.ts'
import { payouts, type Payout } from '../../payouts/model.ts'
import type { FundingService } from '../../funding/service.ts'
import type { PayoutService, Ledger } from '../../payouts/service.ts'
import { balances } from '../../payouts/ledger.ts'
import type { PaymentsClient, Result, WebhookDelivery } from '../../payments-client/types.ts'
import { isUuid } from '../../domain/ids.ts'

export const ADMIN_PAGE_SIZE = 50

/** States an operator should look at: not settled by the wallets in time, or not understood. */
const IN_REVIEW = ['needs_review', 'unknown'] as const

export type AdminError = 'not_found' | 'invalid_input' | 'own_account'

export interface JobLedgerRow {
  job: Pick<Job, 'id' | 'title' | 'state' | 'assetCode' | 'assetScale'>
  ledger: Ledger
  /** funded = paid out + refunded + held: true unless the books are broken. */
  balances: boolean
}

/**
 * What operators see and do. Reads are plain queries; the two state changes (roles, disabling) are
 * single updates, and disabling deletes the user's sessions in the same transaction, so they are
 * logged out at once (session lookup also refuses disabled users).
 */
export function createAdminService(deps: { db: Db; payments: PaymentsClient; fundings: FundingService; payouts: PayoutService }) {
  const { db } = deps

  return {
    async listUsers(filter: { q?: string | undefined; page: number }): Promise<{ users: User[]; hasMore: boolean }> {
      const q = filter.q?.trim()
      const where: SQL | undefined = q ? or(ilike(users.username, `%${escapeLike(q)}%`), ilike(users.displayName, `%${escapeLike(q)}%`)) : undefined
      const rows = await db
        .select()
        .from(users)
        .where(where)
        .orderBy(users.username)
        .limit(ADMIN_PAGE_SIZE + 1)
        .offset(filter.page * ADMIN_PAGE_SIZE)
      return { users: rows.slice(0, ADMIN_PAGE_SIZE), hasMore: rows.length > ADMIN_PAGE_SIZE }
    },

    async getUser(userId: string): Promise<User | null> {
      if (!isUuid(userId)) return null
      const [row] = await db.select().from(users).where(eq(users.id, userId))
      return row ?? null
    },

    async setRole(userId: string, role: string): Promise<User | AdminError> {
      if (!isUuid(userId)) return 'not_found'
      if (role !== 'funder' && role !== 'creator' && role !== 'both') return 'invalid_input'
      const r = role as Role
      const [row] = await db
        .update(users)
        .set({ isFunder: r !== 'creator', isCreator: r !== 'funder' })
        .where(eq(users.id, userId))
        .returning()
      return row ?? 'not_found'
    },

    async setDisabled(admin: User, userId: string, disabled: boolean): Promise<User | AdminError> {
      if (!isUuid(userId)) return 'not_found'
      if (userId === admin.id) return 'own_account'
      return db.transaction(async (tx) => {
        const [row] = await tx.update(users).set({ disabled }).where(eq(users.id, userId)).returning()
        if (!row) return 'not_found'
        if (disabled) await tx.delete(sessions).where(eq(sessions.userId, userId))
        return row
      })
    },

    async listJobs(state: JobState | undefined, page: number) {
      const [rows, counted] = await Promise.all([
        db
          .select({ job: jobs, owner: users.username })
          .from(jobs)
          .innerJoin(users, eq(users.id, jobs.ownerId))
          .where(state ? eq(jobs.state, state) : undefined)
          .orderBy(desc(jobs.updatedAt))
          .limit(ADMIN_PAGE_SIZE + 1)
          .offset(page * ADMIN_PAGE_SIZE),
        db.select({ state: jobs.state, n: count() }).from(jobs).groupBy(jobs.state)
      ])
      const counts = Object.fromEntries(JOB_STATES.map((s) => [s, 0])) as Record<JobState, number>
      for (const c of counted) counts[c.state] = Number(c.n)
      return { rows: rows.slice(0, ADMIN_PAGE_SIZE), hasMore: rows.length > ADMIN_PAGE_SIZE, counts }
    },

    /**
     * Payments and the escrow ledger. Open fundings and payouts in flight are re-read from the payments
     * service first (as the job page and the scheduler do), so the page shows what the service reports.
     */
    async money(): Promise<{
      fundings: Array<{ funding: Funding; title: string; payer: string }>
      payouts: Array<{ payout: Payout; title: string; receiver: string }>
      review: { fundings: Array<{ funding: Funding; title: string; payer: string }>; payouts: Array<{ payout: Payout; title: string; receiver: string }> }
      ledgers: JobLedgerRow[]
      totals: Map<string, Ledger>
    }> {
      const open = await db
        .select()
        .from(fundings)
        .where(notInArray(fundings.state, [...FINAL_FUNDING_STATES]))
        .limit(20)
      const sending = await db
        .select({ remoteId: payouts.remoteId })
        .from(payouts)
        .where(and(inArray(payouts.state, ['sending', ...IN_REVIEW]), sql`${payouts.remoteId} is not null`))
        .limit(20)
      await Promise.all([
        ...open.map((f) => deps.fundings.refresh(f).catch(() => undefined)),
        ...sending.map((p) => deps.payouts.refresh(p.remoteId!).catch(() => undefined))
      ])

      const [fundingRows, payoutRows, jobIds, reviewFundings, reviewPayouts] = await Promise.all([
        db
          .select({ funding: fundings, title: jobs.title, payer: users.username })
          .from(fundings)
          .innerJoin(jobs, eq(jobs.id, fundings.jobId))
          .innerJoin(users, eq(users.id, fundings.payerId))
          .orderBy(desc(fundings.createdAt))
          .limit(100),
        db
          .select({ payout: payouts, title: jobs.title, receiver: users.username })
          .from(payouts)
          .innerJoin(jobs, eq(jobs.id, payouts.jobId))
          .innerJoin(users, eq(users.id, payouts.receiverId))
          .orderBy(desc(payouts.createdAt))
          .limit(100),
        queryRows<{ id: string }>(
          db,
          sql`select distinct job_id as id from web.fundings where state = 'completed'
              union select distinct job_id from web.payouts`
        ),
        // Payments and payouts the wallets have not settled either way by their deadline: all of them, oldest first.
        db
          .select({ funding: fundings, title: jobs.title, payer: users.username })
          .from(fundings)
          .innerJoin(jobs, eq(jobs.id, fundings.jobId))
          .innerJoin(users, eq(users.id, fundings.payerId))
          .where(inArray(fundings.state, [...IN_REVIEW]))
          .orderBy(fundings.updatedAt),
        db
          .select({ payout: payouts, title: jobs.title, receiver: users.username })
          .from(payouts)
          .innerJoin(jobs, eq(jobs.id, payouts.jobId))
          .innerJoin(users, eq(users.id, payouts.receiverId))
          .where(inArray(payouts.state, [...IN_REVIEW]))
          .orderBy(payouts.updatedAt)
      ])
      const ids = jobIds.map((r) => r.id)
      const ledgerJobs = ids.length
        ? await db
            .select({ id: jobs.id, title: jobs.title, state: jobs.state, assetCode: jobs.assetCode, assetScale: jobs.assetScale })
            .from(jobs)
            .where(inArray(jobs.id, ids))
            .orderBy(jobs.title)
        : []
      const ledgers = await Promise.all(
        ledgerJobs.map(async (job) => {
          const ledger = await deps.payouts.ledger(job)
          return { job, ledger, balances: balances(ledger) }
        })
      )
      // Totals per asset: escrow as a whole.
      const totals = new Map<string, Ledger>()
      for (const { ledger } of ledgers) {
        const key = `${ledger.assetCode}/${ledger.assetScale}`
        const t = totals.get(key) ?? { ...ledger, funded: 0n, fees: 0n, paidOut: 0n, refunded: 0n, payoutFees: 0n, inFlight: 0n, held: 0n, available: 0n }
        for (const k of ['funded', 'fees', 'paidOut', 'refunded', 'payoutFees', 'inFlight', 'held', 'available'] as const) t[k] += ledger[k]
        totals.set(key, t)
      }
      return { fundings: fundingRows, payouts: payoutRows, review: { fundings: reviewFundings, payouts: reviewPayouts }, ledgers, totals }
    },

    /**
     * "Check again now" on a funder's payment the wallets have not settled: the payments service checks
     * the escrow's incoming payment at once and settles the payment if it can; the result is recorded.
     */
    async reconcileFunding(fundingId: string): Promise<Funding | 'not_found' | 'payments_unavailable'> {
      if (!isUuid(fundingId)) return 'not_found'
      const [row] = await db.select().from(fundings).where(eq(fundings.id, fundingId))
      if (!row) return 'not_found'
      return deps.fundings.reconcile(row)
    },

    /** The same for a payout: the creator's (or refunded funder's) incoming payment is checked at once. */
    reconcilePayout: (payoutId: string) => deps.payouts.reconcile(payoutId),

    /** The payments service's delivery log, and the webhook ids this app received (its replay guard). */
    async webhooks(): Promise<{ sent: Result<WebhookDelivery[]>; received: Array<{ id: string; type: string; receivedAt: Date }> }> {
      const [sent, received] = await Promise.all([
        deps.payments.listWebhookDeliveries(100),
        db.select().from(webhookDeliveries).orderBy(desc(webhookDeliveries.receivedAt)).limit(100)
      ])
      return { sent, received }
    },

    startPayoutGrant: (input: { debitLimit: string; interval?: string | undefined; returnUrl: string }) => deps.payments.startPayoutGrant(input)
  }
}

export type AdminService = ReturnType<typeof createAdminService>

function escapeLike(s: string): string {
  return s.replace(/[\\%_]/g, (c) => `\\${c}`)
}
