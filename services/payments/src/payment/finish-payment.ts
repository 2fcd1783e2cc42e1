import { verifyFinishHash } from '../open-payments/hash.ts'
import { backTo, resultPage, type FinishOutcome } from '../http/pages.ts'
import type { PaymentDeps } from './deps.ts'
import type { PaymentRow } from './model.ts'
import type { PaymentSteps } from './steps.ts'

export interface FinishQuery {
  pendingId?: string | undefined
  hash?: string | undefined
  interact_ref?: string | undefined
  result?: string | undefined
}

const titles: Record<string, [string, string]> = {
  completed: ['Payment complete', 'The payment has been sent. You can close this page.'],
  sending: ['Payment on its way', 'Your wallet is sending the payment. You can close this page.'],
  authorized: ['Payment approved', 'The payment is being sent. You can close this page.'],
  awaiting_consent: ['Payment being processed', 'Your approval is being processed. You can close this page.'],
  rejected: ['Payment cancelled', 'You declined the payment. Nothing was paid.'],
  expired: ['Payment expired', 'The payment was not approved in time. Nothing was paid.'],
  failed: ['Payment failed', 'The payment could not be made. Nothing was paid.'],
  needs_review: ['Payment being checked', 'Your wallet sent the payment; we are confirming that it arrived. You can close this page.']
}

/** What a wallet's unsigned result means to the person, said without claiming more than it proves. */
const walletResultTexts: Record<string, [string, string]> = {
  grant_rejected: ['Payment not approved', 'Your wallet says you declined the payment. Nothing was paid.'],
  invalid_interaction: ['Approval window closed', 'The time to approve the payment at your wallet ran out. Nothing was paid.'],
  other: ['Payment not approved', 'Your wallet could not finish the approval. Nothing was paid.']
}

function outcome(p: PaymentRow, extra: Record<string, string> = {}): FinishOutcome {
  if (p.returnUrl) return backTo(p.returnUrl, { payment: p.id, status: p.state, ...extra })
  const reported = extra.walletResult ? walletResultTexts[extra.walletResult] ?? walletResultTexts.other! : undefined
  const [title, message] = reported ?? titles[p.state] ?? ['Payment', 'You can close this page.']
  return { status: 200, html: resultPage(title, extra.error ? 'This link is not valid. Nothing was changed.' : message) }
}

/**
 * The wallet's redirect after the buyer's decision. The hash is verified before anything else:
 * a missing, wrong or replayed callback changes nothing. One callback claims the continuation
 * under a row lock, so concurrent or replayed callbacks make one continuation and one payment.
 */
export async function finishPayment(deps: PaymentDeps, steps: PaymentSteps, query: FinishQuery): Promise<FinishOutcome> {
  const log = deps.logger.child({ pendingId: query.pendingId })
  const payment = query.pendingId ? await deps.store.find(query.pendingId) : undefined
  if (!payment) return { status: 404, html: resultPage('Payment not found', 'This payment link is not valid.') }

  if (query.result) {
    // The wallet's redirect says the buyer declined (grant_rejected), that its approval window closed
    // (invalid_interaction) or that it could not go on. It carries no hash: anyone can type it, and a
    // continuation cannot tell a decline from "not yet" (Rafiki answers both with request_denied).
    // So it is remembered and shown, and the payment stays open until its consent deadline, or
    // until its owner starts a new one (which supersedes it).
    if (payment.state !== 'awaiting_consent' || payment.interactRef) return outcome(payment)
    const result = query.result.slice(0, 100)
    const noted = await deps.store.transition(payment.id, ['awaiting_consent'], { walletResult: result }, (current) => current.interactRef === null)
    log.info({ result }, 'wallet reported no consent (unsigned; payment left open)')
    return outcome(noted ?? payment, { walletResult: result })
  }

  const valid =
    !!payment.clientNonce &&
    !!payment.interactNonce &&
    !!payment.buyerAuthServer &&
    !!query.interact_ref &&
    verifyFinishHash({
      hash: query.hash,
      clientNonce: payment.clientNonce,
      interactNonce: payment.interactNonce,
      interactRef: query.interact_ref,
      authServer: payment.buyerAuthServer
    })
  if (!valid) {
    log.warn({ hasHash: Boolean(query.hash), hasInteractRef: Boolean(query.interact_ref) }, 'finish callback with an invalid hash ignored')
    return outcome(payment, { error: 'invalid_callback' })
  }

  // Claim the continuation: only the first valid callback moves on; the worker keeps off it (lease).
  const claimed = await deps.store.transition(
    payment.id,
    ['awaiting_consent'],
    { interactRef: query.interact_ref, attempts: 0, nextAttemptAt: new Date(deps.clock.now().getTime() + deps.config.worker.leaseMs) },
    (current) => current.interactRef === null
  )
  if (!claimed) return outcome((await deps.store.find(payment.id)) ?? payment)
  log.info('consent given; continuing the grant')
  let current = await steps.continueGrant(claimed)
  if (current?.state === 'authorized') current = await steps.createOutgoing(current)
  return outcome(current ?? (await deps.store.find(payment.id)) ?? payment)
}
