import { sql } from 'drizzle-orm'
import { queryRows, type Db, type Tx } from '@voces/platform'
import type { Job } from '../jobs/model.ts'
import type { EscrowState } from '../domain/escrow.ts'

/**
 * One job's escrow: funded = paid out + refunded + payout fees + held, always. Every figure is read
 * here only, so the header, the funding box, the ledger and the admin page show the same numbers.
 */
export interface Ledger {
  assetCode: string
  assetScale: number
  /** What arrived in escrow for this job (completed fundings). */
  funded: bigint
  /** What the funder's wallets paid in fees on top (only debits in the escrow asset; others cannot be subtracted). */
  fees: bigint
  /** Of what was funded, the reserve for escrow's payout fees (the funder paid it; unspent, it goes back with a refund). */
  feeReserve: bigint
  /** What creators received from escrow (completed payouts: exactly the pay, fixed receive). */
  paidOut: bigint
  /** What the funder received back (completed refunds, their own fee excluded). */
  refunded: bigint
  /** What the escrow wallet kept as fees on completed payouts and refunds (as the payments service reports them). */
  payoutFees: bigint
  /** Payouts and refunds recorded but not yet confirmed: what they take from escrow, fees included. */
  inFlight: bigint
  /** Still in escrow: funded − what completed payouts and refunds took (fees included). */
  held: bigint
  /** Pay of submissions under dispute: frozen until an admin decides (never refunded meanwhile). */
  frozen: bigint
  /** held − in flight − failed payouts still owed − frozen: what escrow can still commit. */
  available: bigint
}

/** The ledger's identity: every unit that arrived is paid out, refunded, kept as a fee or still held. */
export const balances = (l: Ledger): boolean => l.funded === l.paidOut + l.refunded + l.payoutFees + l.held && l.held >= 0n

/** What one creator's payout takes from escrow: her pay plus the payout fee reserved for it. */
export const perPersonCost = (job: Pick<Job, 'amountPerPerson' | 'payoutFeePerPerson'>): bigint => job.amountPerPerson + (job.payoutFeePerPerson ?? 0n)

/** What escrow lacks for `people` creators' payouts (0 when it holds enough). */
export function shortfall(l: Ledger, job: Pick<Job, 'amountPerPerson' | 'payoutFeePerPerson'>, people: number): bigint {
  const missing = perPersonCost(job) * BigInt(people) - l.available
  return missing > 0n ? missing : 0n
}

const CLOSED: readonly Job['state'][] = ['canceled', 'expired', 'complete']

/**
 * Whether the job's money is in escrow, as lists and pages say it: `funded` when what arrived covers
 * the pay and payout fees of every person the job may take; `partly` when escrow holds some;
 * `unfunded` when it holds nothing; `closed` for a job that ended (its money was paid or refunded).
 */
export function escrowState(l: Ledger, job: Pick<Job, 'state' | 'amountPerPerson' | 'payoutFeePerPerson' | 'maxResponses'>): EscrowState {
  if (CLOSED.includes(job.state)) return 'closed'
  if (job.payoutFeePerPerson !== null && l.funded >= perPersonCost(job) * BigInt(job.maxResponses)) return 'funded'
  return l.held > 0n ? 'partly' : 'unfunded'
}

/** Reads one job's ledger in one statement (inside a transaction when given one, e.g. to decide a payout). */
export async function ledger(db: Db | Tx, job: LedgerKey): Promise<Ledger> {
  return (await ledgers(db, [job])).get(job.id)!
}

type LedgerKey = Pick<Job, 'id' | 'assetCode' | 'assetScale'>

/**
 * Reads the ledgers of several jobs in one statement (a list page: one round trip, not one per job;
 * issue 14's browse profile spent most of its time in twenty of them).
 */
export async function ledgers(db: Db | Tx, list: readonly LedgerKey[]): Promise<Map<string, Ledger>> {
  const result = new Map<string, Ledger>()
  if (list.length === 0) return result
  const keys = sql.join(
    list.map((j) => sql`(${j.id}::uuid, ${j.assetCode}::text, ${j.assetScale}::int)`),
    sql`, `
  )
  // What a payout takes from escrow: its quoted debit once known, else its amount plus the job's
  // payout fee reserve per person (a refund is fixed send: its amount is what leaves).
  const takes = sql.raw(`coalesce(p.debited, p.amount + case when p.kind = 'payout' then coalesce(j.payout_fee_per_person, 0) else 0 end)`)
  const rows = await queryRows<Record<string, string | null>>(
    db,
    sql`select k.id::text as id,
      (select coalesce(sum(received), 0) from web.fundings where job_id = k.id and state = 'completed') as funded,
      (select coalesce(sum(payout_fee_reserve), 0) from web.fundings where job_id = k.id and state = 'completed') as fee_reserve,
      (select coalesce(sum(fee), 0) from web.fundings where job_id = k.id and state = 'completed'
         and debit_asset_code = k.asset_code and debit_asset_scale = k.asset_scale) as fees,
      (select coalesce(sum(${takes} - coalesce(p.fee, 0)) filter (where p.kind = 'payout'), 0)
         from web.payouts p join web.jobs j on j.id = p.job_id where p.job_id = k.id and p.state = 'completed') as paid_out,
      (select coalesce(sum(${takes} - coalesce(p.fee, 0)) filter (where p.kind = 'refund'), 0)
         from web.payouts p join web.jobs j on j.id = p.job_id where p.job_id = k.id and p.state = 'completed') as refunded,
      (select coalesce(sum(coalesce(p.fee, 0)), 0) from web.payouts p where p.job_id = k.id and p.state = 'completed') as payout_fees,
      (select coalesce(sum(${takes}), 0) from web.payouts p join web.jobs j on j.id = p.job_id
         where p.job_id = k.id and p.state in ('pending', 'sending', 'needs_review', 'unknown')) as in_flight,
      -- A creator's payout whose every attempt failed is still owed (the owner may retry it): escrow keeps it.
      (select coalesce(sum(a), 0) from (select max(${takes}) as a from web.payouts p join web.jobs j on j.id = p.job_id
         where p.job_id = k.id and p.kind = 'payout'
         group by split_part(p.reference, ':', 1) having bool_and(p.state = 'failed')) f) as failed_owed,
      -- A disputed person's share (pay and payout fee) stays in escrow until an admin decides (disputes/ sits above; read in SQL).
      (select coalesce(count(*), 0) * (select amount_per_person + coalesce(payout_fee_per_person, 0) from web.jobs where id = k.id)
         from web.disputes where job_id = k.id and state = 'open') as frozen
    from (values ${keys}) as k(id, asset_code, asset_scale)`
  )
  const byId = new Map(rows.map((r) => [r.id!, r]))
  for (const job of list) {
    const row = byId.get(job.id)
    const n = (k: string) => BigInt(row?.[k] ?? 0)
    const funded = n('funded')
    const held = funded - n('paid_out') - n('refunded') - n('payout_fees')
    result.set(job.id, {
      assetCode: job.assetCode,
      assetScale: job.assetScale,
      funded,
      fees: n('fees'),
      feeReserve: n('fee_reserve'),
      paidOut: n('paid_out'),
      refunded: n('refunded'),
      payoutFees: n('payout_fees'),
      inFlight: n('in_flight'),
      held,
      frozen: n('frozen'),
      available: held - n('in_flight') - n('failed_owed') - n('frozen')
    })
  }
  return result
}
