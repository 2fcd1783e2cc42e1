import { desc, eq } from 'drizzle-orm'
import { fail, type Failure } from '../errors.ts'
import type { FinishOutcome } from '../http/pages.ts'
import type { PaymentDeps } from './deps.ts'
import { PaymentError } from './errors.ts'
import { finishPayment, type FinishQuery } from './finish-payment.ts'
import { payments, type PaymentRow } from './model.ts'
import { startPayment, type StartPaymentInput } from './start-payment.ts'
import { createPaymentSteps } from './steps.ts'

export interface PaymentService {
  start(input: StartPaymentInput): Promise<{ payment: PaymentRow; created: boolean } | Failure>
  finish(query: FinishQuery): Promise<FinishOutcome>
  get(id: string): Promise<PaymentRow | Failure>
  listByOffer(offerId: string): Promise<PaymentRow[]>
  /** One worker round: advances due payments; returns how many it took. */
  processDue(): Promise<number>
}

export function createPaymentService(deps: PaymentDeps): PaymentService {
  const steps = createPaymentSteps(deps)
  return {
    start: (input) => startPayment(deps, input),
    finish: (query) => finishPayment(deps, steps, query),
    async get(id) {
      return (await deps.store.find(id)) ?? fail(PaymentError.UnknownPayment, `No payment with id ${id}`)
    },
    listByOffer(offerId) {
      return deps.db.select().from(payments).where(eq(payments.offerId, offerId)).orderBy(desc(payments.createdAt))
    },
    async processDue() {
      const due = await deps.store.claimDue(10, deps.config.worker.leaseMs)
      await Promise.all(
        due.map(async (p) => {
          try {
            let next = await steps.advance(p)
            // A continued grant goes straight on to its outgoing payment.
            if (p.state === 'awaiting_consent' && next?.state === 'authorized') next = await steps.createOutgoing(next)
          } catch (error) {
            deps.logger.error({ err: error, pendingId: p.id, state: p.state }, 'payment step crashed; retried after the lease')
          }
        })
      )
      return due.length
    }
  }
}
