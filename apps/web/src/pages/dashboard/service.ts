import type { ApplicationService } from '../../applications/service.ts'
import type { SubmissionService } from '../../submissions/service.ts'
import type { PayoutService } from '../../payouts/service.ts'
import type { FundingService } from '../../funding/service.ts'
import { feeBorneByReceiver, payoutFee, payoutReceived } from '../../payouts/figures.ts'
import type { Amount } from '../../payouts/figures.ts'

/**
 * One payment in My money: a payout or refund to the person, or her payment into escrow, with
 * exactly what arrived and the fees, as the wallets reported them.
 */
export interface MoneyEntry {
  kind: 'payout' | 'refund' | 'funding'
  id: string
  jobId: string
  title: string
  at: Date
  /** payout / refund: what reached (or will reach) her wallet; funding: what escrow received (or is to). */
  amount: Amount
  /** Fees she paid on it, in the asset they were paid in; null when not hers (a payout's fee is the funder's) or not known. */
  fee: Amount | null
  state: string
  /** Final and counted: completed. */
  done: boolean
}

export interface MoneyLine {
  assetCode: string
  assetScale: number
  /** What the person's wallet received from payouts (after the wallets' fees). */
  earned: bigint
  /** What escrow received from the person's payments. */
  spent: bigint
  /** Fees on the person's money: paid on top of their payments, and kept from what was sent to them. */
  fees: bigint
  /** What the person's wallet received back from refunds (after fees). */
  refunded: bigint
  /** Payouts to the person still on their way: exactly what she will receive. */
  pending: bigint
}

export interface MyMoney {
  lines: MoneyLine[]
  entries: MoneyEntry[]
}

/**
 * "My money" from real payments only: completed payouts, completed fundings, completed refunds, each
 * as the wallets reported it — what arrived, in the receiving wallet's asset, and the fees kept.
 */
export function createDashboardService(deps: { applications: ApplicationService; submissions: SubmissionService; payouts: PayoutService; fundings: FundingService }) {
  return {
    async money(userId: string): Promise<MyMoney> {
      const [received, paid] = await Promise.all([deps.payouts.listForReceiver(userId), deps.fundings.listForPayer(userId)])
      const lines = new Map<string, MoneyLine>()
      const line = (assetCode: string, assetScale: number) => {
        const key = `${assetCode}/${assetScale}`
        let l = lines.get(key)
        if (!l) lines.set(key, (l = { assetCode, assetScale, earned: 0n, spent: 0n, fees: 0n, refunded: 0n, pending: 0n }))
        return l
      }
      const entries: MoneyEntry[] = []
      for (const { payout: p, title } of received) {
        const got = payoutReceived(p)
        const fee = payoutFee(p)
        // A creator's payout fee is paid by escrow (the funder): never hers. A refund's fee is the funder's own.
        const hers = feeBorneByReceiver(p) && fee !== null ? { value: fee, assetCode: p.assetCode, assetScale: p.assetScale } : null
        if (p.state === 'completed') {
          const l = line(got.assetCode, got.assetScale)
          if (p.kind === 'payout') l.earned += got.value
          else l.refunded += got.value
          if (hers) line(hers.assetCode, hers.assetScale).fees += hers.value
        } else if (p.state !== 'failed' && p.kind === 'payout') line(got.assetCode, got.assetScale).pending += got.value
        entries.push({ kind: p.kind, id: p.id, jobId: p.jobId, title, at: p.createdAt, amount: got, fee: p.state === 'completed' ? hers : null, state: p.state, done: p.state === 'completed' })
      }
      for (const { funding: f, title } of paid) {
        const fee = f.fee !== null && f.debitAssetCode !== null && f.debitAssetScale !== null ? { value: f.fee, assetCode: f.debitAssetCode, assetScale: f.debitAssetScale } : null
        const amount = { value: f.state === 'completed' ? f.received : (f.receiveAmount ?? f.requested), assetCode: f.assetCode, assetScale: f.assetScale }
        entries.push({ kind: 'funding', id: f.id, jobId: f.jobId, title, at: f.createdAt, amount, fee, state: f.state, done: f.state === 'completed' })
        if (f.state !== 'completed') continue
        line(f.assetCode, f.assetScale).spent += f.received
        // The funding fee is in the payer's wallet's asset (null when that differs from escrow's).
        if (fee) line(fee.assetCode, fee.assetScale).fees += fee.value
      }
      entries.sort((a, b) => b.at.getTime() - a.at.getTime())
      return { lines: [...lines.values()], entries }
    },

    /** Selected applications whose job is taking submissions and that have not been submitted yet. */
    async pendingWork(userId: string) {
      const [apps, subs] = await Promise.all([deps.applications.listMine(userId), deps.submissions.listMine(userId)])
      const submitted = new Set(subs.filter((s) => s.submission.state !== 'draft').map((s) => s.job.id))
      return apps.filter((a) => a.application.state === 'selected' && a.job.state === 'submitting' && !submitted.has(a.job.id))
    }
  }
}

export type DashboardService = ReturnType<typeof createDashboardService>
