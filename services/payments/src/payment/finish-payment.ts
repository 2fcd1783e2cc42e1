import type { ConsentRow, Finisher, FinishResult } from '../consent/model.ts'
import type { PaymentDeps } from './deps.ts'
import type { PaymentRow } from './model.ts'
import type { PaymentSteps } from './steps.ts'

const result = (p: PaymentRow, extra: Pick<FinishResult, 'walletResult' | 'error'> = {}): FinishResult => ({
  purpose: 'payment',
  subjectId: p.id,
  state: p.state,
  returnUrl: p.returnUrl,
  ...extra
})

/**
 * The buyer's browser back from the wallet. A hash-verified callback claims the consent once (the
 * consent service checks the hash before anything else), then the grant is continued and the
 * outgoing payment created. An unsigned `result=` (grant_rejected, invalid_interaction, …) is
 * remembered and shown, never acted on: anyone can type it, and Rafiki answers a continuation of a
 * declined grant exactly as one still waiting. The payment stays open until its consent deadline,
 * or until its owner starts it again (which supersedes it).
 */
export function createPaymentFinisher(deps: PaymentDeps, steps: PaymentSteps): Finisher {
  const find = (consent: ConsentRow) => deps.store.findByConsent(consent.id)

  return {
    async reported(consent, walletResult) {
      const payment = await find(consent)
      if (!payment) return undefined
      if (payment.state !== 'awaiting_consent') return result(payment)
      const noted = await deps.consents.noteResult(consent, walletResult)
      deps.logger.info({ pendingId: payment.id, result: walletResult.slice(0, 100) }, 'wallet reported no consent (unsigned; payment left open)')
      return result(payment, noted ? { walletResult: noted.walletResult ?? undefined } : {})
    },

    async approved(consent, query) {
      const payment = await find(consent)
      if (!payment) return undefined
      const claimed = await deps.consents.claim(consent, query)
      if (claimed === 'invalid') return result(payment, { error: 'invalid_callback' })
      if (claimed === 'taken') return result((await deps.store.find(payment.id)) ?? payment)
      // The first valid callback moves on; the worker keeps off it for a lease.
      const leased = await deps.store.transition(payment.id, ['awaiting_consent'], {
        attempts: 0,
        nextAttemptAt: new Date(deps.clock.now().getTime() + deps.config.worker.leaseMs)
      })
      if (!leased) return result((await deps.store.find(payment.id)) ?? payment)
      deps.logger.info({ pendingId: payment.id }, 'consent given; continuing the grant')
      let current = await steps.continueGrant(leased, claimed)
      if (current?.state === 'authorized') current = await steps.createOutgoing(current)
      return result(current ?? (await deps.store.find(payment.id)) ?? payment)
    }
  }
}
