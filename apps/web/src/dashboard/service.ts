import type { ApplicationService } from '../applications/service.ts'
import type { SubmissionService } from '../submissions/service.ts'
import type { PayoutService } from '../payouts/service.ts'
import type { FundingService } from '../payments/service.ts'

export interface MoneyLine {
  assetCode: string
  assetScale: number
  earned: bigint
  spent: bigint
  fees: bigint
  refunded: bigint
  pending: bigint
}

/** "My money" from real payments only: completed payouts, completed fundings, completed refunds. */
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
        const l = line(p.assetCode, p.assetScale)
        if (p.state === 'completed') {
          if (p.kind === 'payout') l.earned += p.amount
          else l.refunded += p.amount
        } else if (p.state !== 'failed' && p.kind === 'payout') l.pending += p.amount
      }
      for (const f of paid) {
        if (f.state !== 'completed') continue
        const l = line(f.assetCode, f.assetScale)
        l.spent += f.received
        if (f.debitAmount !== null && f.debitAssetCode === f.assetCode) l.fees += f.debitAmount - f.received
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
