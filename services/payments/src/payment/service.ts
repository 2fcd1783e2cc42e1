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
  /** Checks a sent payment's money now (an operator's "check again"); returns it as it then stands. */
  reconcile(id: string): Promise<PaymentRow | Failure>
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
    async reconcile(id) {
      const payment = await deps.store.find(id)
      if (!payment) return fail(PaymentError.UnknownPayment, `No payment with id ${id}`)
      if (payment.state !== 'sending' && payment.state !== 'needs_review') return payment
      deps.logger.info({ pendingId: id, state: payment.state }, 'payment reconciliation requested')
      return (await steps.settle(payment)) ?? (await deps.store.find(id)) ?? payment
    },
    listByOffer(offerId) {
      return deps.db.select().from(payments).where(eq(payments.offerId, offerId)).orderBy(desc(payments.createdAt))
    },
    async processDue() {
      const due = await deps.store.claimDue(10, deps.config.worker.leaseMs, deps.clock.now())
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
