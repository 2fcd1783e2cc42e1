import { backoffMs } from '@voces/platform'
import { findOutgoingPaymentByQuote } from '../open-payments/find-outgoing.ts'
import type { OutgoingPayment } from '@interledger/open-payments'
import { fail, isFailure, isWalletFailure, type Failure, PaymentError } from '../errors.ts'
import type { ClientIdentity } from '../open-payments/client.ts'
import type { PaymentDeps } from './deps.ts'
import type { ConsentRow } from '../consent/model.ts'
import type { PaymentRow, PaymentState } from './model.ts'
import { createPaymentSettlement, FIRST_STATUS_CHECK_MS } from './settle.ts'


/**
 * The steps after consent. Each calls the wallet outside any transaction, then records the
 * result under a row lock only if the payment is still where the step left it. A transient
 * failure schedules a retry with backoff; a refusal ends the payment as failed, with the reason.
 */
export function createPaymentSteps(deps: PaymentDeps) {
  const { store, config, clock } = deps
  const log = deps.logger.child({ component: 'payments' })
  const settlement = createPaymentSettlement(deps)

  async function seller(p: PaymentRow): Promise<ClientIdentity | Failure> {
    return deps.sellers.get(p.sellerId)
  }

  /** Records a failed step: retry later if transient (until maxAttempts), else fail the payment. */
  async function stepFailed(p: PaymentRow, from: PaymentState, failure: Failure) {
    // A 401 in the background is retried: the SDK's HTTP client can resend a request without its
    // signature after a lost connection, and nothing moves without a successful create.
    const transient = isWalletFailure(failure) && (failure.transient || failure.status === 401)
    const attempts = p.attempts + 1
    log.warn({ pendingId: p.id, state: from, step: failure.step, code: failure.failure, attempts, transient, reason: failure.message }, 'payment step failed')
    if (transient && attempts < config.worker.maxAttempts) {
      return store.transition(p.id, [from], {
        attempts,
        failureMessage: failure.message,
        nextAttemptAt: new Date(clock.now().getTime() + backoffMs(p.attempts, config.worker.baseBackoffMs, config.worker.maxBackoffMs))
      })
    }
    if (from === 'authorized' && p.createAttemptedAt && transient) {
      // A create may have reached the wallet: the money decides, not the give-up.
      return store.transition(p.id, [from], {
        state: 'needs_review',
        attempts,
        failureCode: 'not_settled',
        failureMessage: `The outgoing payment's creation could not be confirmed: ${failure.message}`,
        settleBy: clock.now(),
        nextAttemptAt: clock.now()
      })
    }
    return store.transition(p.id, [from], { state: 'failed', failureCode: failure.failure, failureMessage: failure.message, nextAttemptAt: null })
  }

  /** Continues a claimed consent's grant (respecting `wait`) and keeps the access token. */
  async function continueGrant(p: PaymentRow, consent: ConsentRow): Promise<PaymentRow | undefined> {
    const identity = await seller(p)
    if (isFailure(identity)) return stepFailed(p, 'awaiting_consent', identity)
    const continued = await deps.consents.continue(identity, consent)
    if ('retryAt' in continued) return store.transition(p.id, ['awaiting_consent'], { attempts: p.attempts + 1, nextAttemptAt: continued.retryAt })
    if (isFailure(continued)) return stepFailed(p, 'awaiting_consent', continued)
    return store.transition(p.id, ['awaiting_consent'], {
      state: 'authorized',
      accessToken: continued.token.value,
      manageUrl: continued.token.manage,
      attempts: 0,
      failureMessage: null,
      nextAttemptAt: new Date(clock.now().getTime() + config.worker.leaseMs)
    })
  }

  /** Re-quotes an expired quote. A dearer one is refused here (a grant that limits what arrives would let the wallet debit it). */
  async function requote(p: PaymentRow, identity: ClientIdentity): Promise<PaymentRow | Failure | undefined> {
    const quote = await deps.openPayments.withToken(identity, { authServer: p.buyerAuthServer!, access: 'quote' }, 'quote', (client, accessToken) =>
      client.quote.create({ url: p.buyerResourceServer!, accessToken }, { walletAddress: p.buyerWalletAddressId!, receiver: p.incomingPaymentId!, method: 'ilp' })
    )
    if (isFailure(quote)) return quote
    const debit = BigInt(quote.debitAmount.value)
    if (debit > p.debitValue! || quote.debitAmount.assetCode !== p.debitAssetCode) {
      return fail(PaymentError.QuoteExpired, 'The quote expired before the payment was sent, and a new quote costs more than the buyer approved')
    }
    log.info({ pendingId: p.id, oldQuote: p.quoteId, newQuote: quote.id }, 'expired quote replaced')
    return store.transition(p.id, ['authorized'], {
      quoteId: quote.id,
      quoteExpiresAt: quote.expiresAt ? new Date(quote.expiresAt) : null,
      debitValue: debit,
      receiveValue: BigInt(quote.receiveAmount.value)
    })
  }

  /** Creates the outgoing payment under the buyer's grant: write intent, call, record. */
  async function createOutgoing(p: PaymentRow): Promise<PaymentRow | undefined> {
    const identity = await seller(p)
    if (isFailure(identity)) return stepFailed(p, 'authorized', identity)
    if (p.createAttemptedAt) {
      const existing = await findOutgoingPaymentByQuote(deps.openPayments, identity, {
        resourceServer: p.buyerResourceServer!,
        walletAddress: p.buyerWalletAddressId!,
        accessToken: p.accessToken!,
        quoteId: p.quoteId!
      })
      if (isFailure(existing)) return stepFailed(p, 'authorized', existing)
      if (existing) return recordSending(p, existing)
    }
    if (p.quoteExpiresAt && p.quoteExpiresAt.getTime() < clock.now().getTime() + 1000) {
      const requoted = await requote(p, identity)
      if (isFailure(requoted)) return stepFailed(p, 'authorized', requoted)
      if (!requoted) return undefined
      p = requoted
    }
    const marked = await store.transition(p.id, ['authorized'], { createAttemptedAt: new Date() })
    if (!marked) return undefined
    const outgoing = await deps.openPayments.call(identity, 'outgoing_payment', (client) =>
      client.outgoingPayment.create(
        { url: p.buyerResourceServer!, accessToken: p.accessToken! },
        { walletAddress: p.buyerWalletAddressId!, quoteId: p.quoteId!, metadata: { offerId: p.offerId, pendingId: p.id } }
      )
    )
    if (isFailure(outgoing)) {
      // A timeout may hide a payment that was created; the retry looks for it first (createAttemptedAt).
      return stepFailed(marked, 'authorized', outgoing)
    }
    return recordSending(marked, outgoing)
  }

  function recordSending(p: PaymentRow, o: OutgoingPayment) {
    log.info({ pendingId: p.id, outgoingPaymentId: o.id }, 'outgoing payment created')
    return store.transition(p.id, ['authorized'], {
      state: 'sending',
      outgoingPaymentId: o.id,
      sentValue: BigInt(o.sentAmount.value),
      settleBy: new Date(clock.now().getTime() + config.settlementDeadlineMs),
      attempts: 0,
      failureMessage: null,
      nextAttemptAt: new Date(clock.now().getTime() + FIRST_STATUS_CHECK_MS)
    })
  }

  /**
   * Consent never arrived: the consent is closed (its grant cancelled, so the consent page can no
   * longer pay) and the payment ends as expired. A result the wallet reported by an unsigned redirect
   * is mentioned, never taken for proof. A consent claimed meanwhile is continued instead.
   */
  async function expire(p: PaymentRow, consent: ConsentRow | undefined): Promise<PaymentRow | undefined> {
    if (consent && !(await deps.consents.close(consent))) return undefined
    const reported = consent?.walletResult ? ` (the wallet's redirect said: ${consent.walletResult})` : ''
    return store.transition(p.id, ['awaiting_consent'], {
      state: 'expired',
      failureCode: 'consent_expired',
      failureMessage: `The buyer did not approve the payment in time${reported}`,
      nextAttemptAt: null
    })
  }

  /** The awaiting-consent step: continue a claimed consent, expire an overdue one, else wait for the deadline. */
  async function awaitConsent(p: PaymentRow): Promise<PaymentRow | undefined> {
    const consent = p.consentId ? await deps.consents.find(p.consentId) : undefined
    if (consent?.state === 'claimed') return continueGrant(p, consent)
    if (p.consentExpiresAt && p.consentExpiresAt.getTime() <= clock.now().getTime()) return expire(p, consent)
    return store.transition(p.id, ['awaiting_consent'], { nextAttemptAt: p.consentExpiresAt })
  }

  /** Runs whatever step a claimed payment is due for. */
  async function advance(p: PaymentRow): Promise<PaymentRow | undefined> {
    switch (p.state) {
      case 'starting': {
        // Still `starting` after the start timeout: the process stopped mid-start.
        const failed = await store.transition(p.id, ['starting'], {
          state: 'failed',
          failureCode: 'start_interrupted',
          failureMessage: 'The payment start was interrupted before the buyer could be asked for consent',
          nextAttemptAt: null
        })
        // A grant asked before it stopped must not stay approvable at the wallet (its consent bears the payment's id).
        const asked = failed ? await deps.consents.find(p.id) : undefined
        if (asked) await deps.consents.close(asked)
        return failed
      }
      case 'awaiting_consent':
        return awaitConsent(p)
      case 'authorized':
        return createOutgoing(p)
      case 'sending':
      case 'needs_review':
        return settlement.settle(p)
      default:
        return p
    }
  }

  return { continueGrant, createOutgoing, settle: settlement.settle, advance }
}
export type PaymentSteps = ReturnType<typeof createPaymentSteps>
