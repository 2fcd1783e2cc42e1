import { formatMinorUnits, type Logger } from '@voces/platform'
import type { Job } from '../jobs/model.ts'
import type { PaymentsClient, PayoutFixed } from '../payments-client/types.ts'
import type { PaymentsError } from '../payments-client/errors.ts'

export type PayoutFeeQuote = (job: Pick<Job, 'id' | 'assetCode' | 'assetScale'>, amount: bigint, fixed?: PayoutFixed) => Promise<bigint | PaymentsError>

/**
 * What one payout of `amount` (fixed receive; fixed send for a refund) from escrow costs in fees now, as the escrow wallet quotes
 * it (`POST /sellers/:id/payout-fee`): the fee in the job's asset, or why there is none. Funding prices
 * the job's payout fee reserve with it, a dispute's split the payout of her part.
 */
export function createPayoutFeeQuote(deps: { payments: PaymentsClient; logger: Logger }): PayoutFeeQuote {
  return async (job, amount, fixed = 'receive') => {
    const result = await deps.payments.quotePayoutFee(formatMinorUnits(amount, job.assetScale), fixed)
    if (!result.ok) {
      deps.logger.warn({ jobId: job.id, reason: result.message }, 'payout fee quote failed')
      return result.error === 'unreachable' ? 'payments_unavailable' : 'wallet_unreachable'
    }
    const fee = result.value
    if (fee.assetCode !== job.assetCode || fee.assetScale !== job.assetScale) {
      deps.logger.error({ jobId: job.id, fee }, 'payout fee quoted in another asset than the job')
      return 'wallet_unreachable'
    }
    return BigInt(fee.value)
  }
}
