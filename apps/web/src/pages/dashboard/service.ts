import type { ApplicationService } from '../../applications/service.ts'
import type { SubmissionService } from '../../submissions/service.ts'
import type { PayoutService } from '../../payouts/service.ts'
import type { FundingService } from '../../funding/service.ts'
import { payoutFee, payoutReceived } from '../../payouts/figures.ts'

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
  /** Payouts to the person still on their way: what leaves escrow for them. */
  pending: bigint
}

/**
 * "My money" from real payments only: completed payouts, completed fundings, completed refunds, each
 * as the wallets reported it — what arrived, in the receiving wallet's asset, and the fees kept.
 */
export function createDashboardService(deps: { applications: ApplicationService; submissions: SubmissionService; payouts: PayoutService; fundings: FundingService }) {
  return {
    async money(userId: string): Promise<MoneyLine[]> {
      const [received, paid] = await Promise.all([deps.payouts.listForReceiver(userId), deps.fundings.listForPayer(userId)])
      const lines = new Map<string, MoneyLine>()
      const line = (assetCode: string, assetScale: number) => {
        const key = `${assetCode}/${assetScale}`
        let l = lines.get(key)
        if (!l) lines.set(key, (l = { assetCode, assetScale, earned: 0n, spent: 0n, fees: 0n, refunded: 0n, pending: 0n }))
        return l
      }
      for (const p of received) {
        if (p.state === 'completed') {
          const got = payoutReceived(p)
          const l = line(got.assetCode, got.assetScale)
          if (p.kind === 'payout') l.earned += got.value
          else l.refunded += got.value
          const fee = payoutFee(p)
          if (fee !== null) line(p.assetCode, p.assetScale).fees += fee
        } else if (p.state !== 'failed' && p.kind === 'payout') line(p.assetCode, p.assetScale).pending += p.amount
      }
      for (const f of paid) {
        if (f.state !== 'completed') continue
        line(f.assetCode, f.assetScale).spent += f.received
        // The funding fee is in the payer's wallet's asset (null when that differs from escrow's).
        if (f.fee !== null && f.debitAssetCode !== null && f.debitAssetScale !== null) line(f.debitAssetCode, f.debitAssetScale).fees += f.fee
      }
      return [...lines.values()]
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
