import { desc, eq } from 'drizzle-orm'
import { consents, type ConsentRow, type Finisher } from '../consent/model.ts'
import { fail, type Failure, PaymentError } from '../errors.ts'
import type { PaymentDeps } from './deps.ts'
import { createPaymentFinisher } from './finish-payment.ts'
import { payments, type PaymentRow } from './model.ts'
import { startPayment, type StartPaymentInput } from './start-payment.ts'
import { createPaymentSteps } from './steps.ts'

/** A payment with its consent (where the buyer approves, and what the wallet reported). */
export interface FoundPayment {
  payment: PaymentRow
  consent: ConsentRow | undefined
}

export interface PaymentService {
  start(input: StartPaymentInput): Promise<(FoundPayment & { created: boolean }) | Failure>
  /** What the finish route hands a payment's consent redirects to. */
  finisher: Finisher
  get(id: string): Promise<FoundPayment | Failure>
  listByOffer(offerId: string): Promise<FoundPayment[]>
  /** Checks a sent payment's money now (an operator's "check again"); returns it as it then stands. */
  reconcile(id: string): Promise<FoundPayment | Failure>
  /** One worker round: advances due payments; returns how many it took. */
  processDue(): Promise<number>
}

export function createPaymentService(deps: PaymentDeps): PaymentService {
  const steps = createPaymentSteps(deps)
  const withConsent = (p: PaymentRow) => (p.consentId ? deps.consents.find(p.consentId) : Promise.resolve(undefined))
  return {
    async start(input) {
      const started = await startPayment(deps, input)
      if ('failure' in started) return started
      // A new payment comes with the consent it just asked for; an open one returned as it is needs its own.
      return { ...started, consent: started.consent ?? (await withConsent(started.payment)) }
    },
    finisher: createPaymentFinisher(deps, steps),
    async get(id) {
      const payment = await deps.store.find(id)
      return payment ? { payment, consent: await withConsent(payment) } : fail(PaymentError.UnknownPayment, `No payment with id ${id}`)
    },
    async reconcile(id) {
      const payment = await deps.store.find(id)
      if (!payment) return fail(PaymentError.UnknownPayment, `No payment with id ${id}`)
      if (payment.state === 'sending' || payment.state === 'needs_review') {
        deps.logger.info({ pendingId: id, state: payment.state }, 'payment reconciliation requested')
        await steps.settle(payment)
      }
      return this.get(id)
    },
    async listByOffer(offerId) {
      const rows = await deps.db
        .select()
        .from(payments)
        .leftJoin(consents, eq(consents.id, payments.consentId))
        .where(eq(payments.offerId, offerId))
        .orderBy(desc(payments.createdAt))
      return rows.map((r) => ({ payment: r.payments, consent: r.consents ?? undefined }))
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
