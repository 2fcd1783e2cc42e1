import { eq, sql } from 'drizzle-orm'
import { queryRows, type Db } from '@voces/platform'
import { jobs, type Job } from '../jobs/model.ts'
import type { PaymentsError } from '../payments-client/errors.ts'
import type { PayoutService } from '../payouts/service.ts'

/** What a funding asks escrow to receive: the pay of the people the job may take and their payouts' fee reserve. */
export function createFundingBudget(deps: { db: Db; payouts: Pick<PayoutService, 'ledger' | 'quoteFee'> }) {
  return {
    /**
     * What escrow still lacks for the job: the pay of every person it may take (or of everyone already
     * selected, if more) plus the reserve for their payouts' fees at the escrow wallet's latest quote,
     * less what arrived. Unspent reserve goes back with the refund when the job closes.
     */
    async budgetLeft(job: Job): Promise<{ total: bigint; reserve: bigint }> {
      const l = await deps.payouts.ledger(job)
      const [selected] = await queryRows<{ n: number | string }>(
        deps.db,
        sql`select count(*) as n from web.applications where job_id = ${job.id} and state = 'selected'`
      )
      const people = BigInt(Math.max(job.maxResponses, Number(selected?.n ?? 0)))
      const clamp = (v: bigint) => (v > 0n ? v : 0n)
      const pay = clamp(job.amountPerPerson * people - (l.funded - l.feeReserve))
      const reserve = clamp((job.payoutFeePerPerson ?? 0n) * people - l.feeReserve)
      return { total: pay + reserve, reserve }
    },

    /**
     * Asks the escrow wallet what one payout of the job's pay costs now and keeps it on the job: the
     * funder pays it into escrow with the pay, so a creator receives exactly what the job promises.
     */
    async priceFeeReserve(job: Job): Promise<Job | PaymentsError> {
      const fee = await deps.payouts.quoteFee(job, job.amountPerPerson)
      if (typeof fee === 'string') return fee
      const [updated] = await deps.db.update(jobs).set({ payoutFeePerPerson: fee }).where(eq(jobs.id, job.id)).returning()
      return updated ?? job
    }
  }
}
