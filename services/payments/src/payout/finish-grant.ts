import { eq } from 'drizzle-orm'
import { isFailure } from '../errors.ts'
import type { ConsentRow, Finisher, FinishResult } from '../consent/model.ts'
import type { PayoutDeps } from './deps.ts'
import { payoutGrants, type PayoutGrantRow } from './model.ts'
import { setGrant } from './standing-grant.ts'

const result = (g: PayoutGrantRow, extra: Pick<FinishResult, 'walletResult' | 'error'> = {}): FinishResult => ({
  purpose: 'payout_grant',
  subjectId: g.id,
  state: g.state,
  returnUrl: g.returnUrl,
  ...extra
})

/**
 * The escrow owner's browser back from the wallet: a hash-verified callback (checked by the consent
 * service) continues the grant once and keeps its token. An unsigned `result=` is shown and changes
 * nothing (the wallet cannot confirm it); connecting again replaces the request.
 */
export function createPayoutGrantFinisher(deps: PayoutDeps): Finisher {
  const find = async (consent: ConsentRow) => (await deps.db.select().from(payoutGrants).where(eq(payoutGrants.consentId, consent.id)))[0]

  return {
    async reported(consent, walletResult) {
      const grant = await find(consent)
      if (!grant) return undefined
      deps.logger.info({ payoutGrantId: grant.id, result: walletResult.slice(0, 100) }, 'escrow wallet reported no consent (unsigned; left open)')
      if (grant.state === 'awaiting_consent') await deps.consents.noteResult(consent, walletResult)
      return result(grant, { walletResult: walletResult.slice(0, 100) })
    },

    async approved(consent, query) {
      const grant = await find(consent)
      if (!grant) return undefined
      const claimed = await deps.consents.claim(consent, query)
      if (claimed === 'invalid') return result(grant, { error: 'invalid_callback' })
      if (claimed === 'taken') return result(grant)
      const seller = await deps.sellers.get(grant.sellerId)
      const continued = isFailure(seller) ? seller : await deps.consents.continue(seller, claimed)
      if (isFailure(continued) || 'retryAt' in continued) {
        const message = isFailure(continued) ? continued.message : 'The wallet did not finalise the grant in time'
        deps.logger.warn({ payoutGrantId: grant.id, reason: message }, 'payout grant continuation failed')
        // Let the operator start again: a consent is claimed once, so this one cannot be retried.
        const ended = await setGrant(deps, grant.id, 'awaiting_consent', { state: 'expired', failureMessage: message })
        return result(ended ?? grant, { error: 'continuation_failed' })
      }
      const { token } = continued
      const active = await setGrant(deps, grant.id, 'awaiting_consent', {
        state: 'active',
        accessToken: token.value,
        manageUrl: token.manage,
        tokenExpiresAt: token.expiresIn ? new Date(Date.now() + token.expiresIn * 1000) : null
      })
      deps.logger.info({ payoutGrantId: grant.id, sellerId: grant.sellerId }, 'payout grant active')
      return result(active ?? grant)
    }
  }
}
