import { sql } from 'drizzle-orm'
import { queryRows, type Db, type Tx } from '@voces/platform'
import type { Job } from '../jobs/model.ts'

/** One job's escrow: funded = paid out + refunded + held, always. */
export interface Ledger {
  assetCode: string
  assetScale: number
  /** What arrived in escrow for this job (completed fundings). */
  funded: bigint
  /** What the funder's wallets paid in fees on top (only debits in the escrow asset; others cannot be subtracted). */
  fees: bigint
  /** Left escrow to creators (their fees included). */
  paidOut: bigint
  /** Left escrow back to the funder (fees included). */
  refunded: bigint
  /** Of what left escrow, what the wallets kept as fees on completed payouts and refunds (as the payments service reports them). */
  payoutFees: bigint
  /** Payouts and refunds recorded but not yet confirmed. */
  inFlight: bigint
  /** Still in escrow: funded − paid out − refunded. */
  held: bigint
  /** Pay of submissions under dispute: frozen until an admin decides (never refunded meanwhile). */
  frozen: bigint
  /** held − in flight − failed payouts still owed − frozen: what escrow can still commit. */
  available: bigint
}

/** Reads one job's ledger in one statement (inside a transaction when given one, e.g. to decide a payout). */
export async function ledger(db: Db | Tx, job: Pick<Job, 'id' | 'assetCode' | 'assetScale'>): Promise<Ledger> {
  const [row] = await queryRows<Record<string, string | null>>(
    db,
    sql`select
      (select coalesce(sum(received), 0) from web.fundings where job_id = ${job.id} and state = 'completed') as funded,
      (select coalesce(sum(fee), 0) from web.fundings where job_id = ${job.id} and state = 'completed'
         and debit_asset_code = ${job.assetCode} and debit_asset_scale = ${job.assetScale}) as fees,
      (select coalesce(sum(fee), 0) from web.payouts where job_id = ${job.id} and state = 'completed') as payout_fees,
      (select coalesce(sum(amount), 0) from web.payouts where job_id = ${job.id} and kind = 'payout' and state = 'completed') as paid_out,
      (select coalesce(sum(amount), 0) from web.payouts where job_id = ${job.id} and kind = 'refund' and state = 'completed') as refunded,
      (select coalesce(sum(amount), 0) from web.payouts where job_id = ${job.id} and state in ('pending', 'sending', 'needs_review', 'unknown')) as in_flight,
      -- A creator's payout whose every attempt failed is still owed (the owner may retry it): escrow keeps it.
      (select coalesce(sum(a), 0) from (select max(amount) as a from web.payouts where job_id = ${job.id} and kind = 'payout'
         group by split_part(reference, ':', 1) having bool_and(state = 'failed')) f) as failed_owed,
      -- A disputed person's share stays in escrow until an admin decides (disputes/ sits above; read in SQL).
      (select coalesce(count(*), 0) * (select amount_per_person from web.jobs where id = ${job.id})
         from web.disputes where job_id = ${job.id} and state = 'open') as frozen`
  )
  const n = (k: string) => BigInt(row?.[k] ?? 0)
  const funded = n('funded')
  const held = funded - n('paid_out') - n('refunded')
  return {
    assetCode: job.assetCode,
    assetScale: job.assetScale,
    funded,
    fees: n('fees'),
    paidOut: n('paid_out'),
    refunded: n('refunded'),
    payoutFees: n('payout_fees'),
    inFlight: n('in_flight'),
    held,
    frozen: n('frozen'),
    available: held - n('in_flight') - n('failed_owed') - n('frozen')
  }
}
