import { randomUUID } from 'node:crypto'
import { and, desc, eq, inArray } from 'drizzle-orm'
import { CommonError, fail, isFailure, type Failure, PaymentError } from '../errors.ts'
import { checkReturnUrl, parseAmount } from '../input.ts'
import type { ConsentRow } from '../consent/model.ts'
import type { GrantLimits } from '../consent/service.ts'
import type { PaymentDeps } from './deps.ts'
import { payments, type PaymentRow } from './model.ts'

export interface StartPaymentInput {
  offerId: string
  sellerId: string
  buyerWalletAddressUrl: string
  amount: string
  returnUrl?: string | undefined
}

/** A `starting` payment older than this was interrupted (the process stopped mid-start). */
export const START_TIMEOUT_MS = 2 * 60_000

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/**
 * Starts a payment: incoming payment on the seller's wallet, quote on the buyer's wallet and an
 * interactive outgoing-payment grant limited to that receiver and to the quote's debit amount (asked
 * after the quote) or, with `paymentGrantLimit: 'receive'`, to the amount that arrives (asked beside it).
 * The intent is written first; a second start for the same offer, seller, buyer and amount
 * while one is open returns the open one. Returns the payment and whether it was new.
 */
export async function startPayment(deps: PaymentDeps, input: StartPaymentInput, retried = false): Promise<{ payment: PaymentRow; consent?: ConsentRow; created: boolean } | Failure> {
  const badReturnUrl = checkReturnUrl(input.returnUrl, deps.config.allowedReturnOrigins)
  if (badReturnUrl) return badReturnUrl
  const seller = await deps.sellers.get(input.sellerId)
  if (isFailure(seller)) return seller
  const buyerUrl = input.buyerWalletAddressUrl.replace(/\/+$/, '')
  // Both documents are usually cached; fetch them concurrently when they are not.
  const buyerWalletPromise = deps.openPayments.walletAddress(buyerUrl, 'buyer_wallet_address')
  const sellerWallet = await deps.openPayments.walletAddress(seller.walletAddressUrl, 'seller_wallet_address')
  if (isFailure(sellerWallet)) return sellerWallet
  const value = parseAmount(input.amount, sellerWallet)
  if (isFailure(value)) return value

  const id = randomUUID()
  const inserted = await deps.db
    .insert(payments)
    .values({
      id,
      offerId: input.offerId,
      sellerId: seller.id,
      buyerWalletAddressUrl: buyerUrl,
      state: 'starting',
      amountValue: value,
      assetCode: sellerWallet.assetCode,
      assetScale: sellerWallet.assetScale,
      returnUrl: input.returnUrl ?? null,
      nextAttemptAt: new Date(deps.clock.now().getTime() + START_TIMEOUT_MS)
    })
    .onConflictDoNothing()
    .returning()
  if (!inserted[0]) {
    void buyerWalletPromise.catch(() => {})
    // The open one's wallet said "declined" or "window closed": its owner starting again ends it.
    if (!retried && (await supersedeReported(deps, { ...input, buyerWalletAddressUrl: buyerUrl, sellerId: seller.id }, value))) {
      return startPayment(deps, input, true)
    }
    const existing = await awaitOpenStart(deps, { ...input, buyerWalletAddressUrl: buyerUrl, sellerId: seller.id }, value)
    return isFailure(existing) ? existing : { payment: existing, created: false }
  }

  const log = deps.logger.child({ pendingId: id, offerId: input.offerId })
  const failStart = async (failure: Failure) => {
    log.warn({ code: failure.failure, step: failure.step, reason: failure.message }, 'payment start failed')
    await deps.store.transition(id, ['starting'], {
      state: 'failed',
      failureCode: failure.failure,
      failureMessage: failure.message,
      nextAttemptAt: null
    })
    return failure
  }

  const buyerWallet = await buyerWalletPromise
  if (isFailure(buyerWallet)) return failStart(buyerWallet)

  // Incoming payment on the seller's wallet, while the quote token on the buyer's wallet is warmed.
  const consentExpiresAt = new Date(deps.clock.now().getTime() + deps.config.consentTimeoutMs)
  const amount = { value: value.toString(), assetCode: sellerWallet.assetCode, assetScale: sellerWallet.assetScale }
  const [incoming] = await Promise.all([
    deps.openPayments.withToken(seller, { authServer: sellerWallet.authServer, access: 'incoming-payment' }, 'incoming_payment', (client, accessToken) =>
      client.incomingPayment.create(
        { url: sellerWallet.resourceServer, accessToken },
        {
          walletAddress: sellerWallet.id,
          incomingAmount: amount,
          // Long enough for consent and settlement; an abandoned one then expires on its own.
          expiresAt: new Date(consentExpiresAt.getTime() + 60 * 60_000).toISOString(),
          metadata: { offerId: input.offerId, pendingId: id }
        }
      )
    ),
    deps.openPayments.withToken(seller, { authServer: buyerWallet.authServer, access: 'quote' }, 'quote_grant', async () => undefined)
  ])
  if (isFailure(incoming)) return failStart(incoming)

  const askQuote = () =>
    deps.openPayments.withToken(seller, { authServer: buyerWallet.authServer, access: 'quote' }, 'quote', (client, accessToken) =>
      client.quote.create({ url: buyerWallet.resourceServer, accessToken }, { walletAddress: buyerWallet.id, receiver: incoming.id, method: 'ilp' })
    )
  const askConsent = (limits: GrantLimits) => deps.consents.request(seller, { id, purpose: 'payment', wallet: buyerWallet, limits: { ...limits, receiver: incoming.id } })
  let quote: Awaited<ReturnType<typeof askQuote>>
  let consent: Awaited<ReturnType<typeof askConsent>>
  if (deps.config.paymentGrantLimit === 'receive') {
    // The grant limits what arrives, so it is asked beside the quote: one wallet round trip fewer.
    ;[quote, consent] = await Promise.all([askQuote(), askConsent({ receiveAmount: amount })])
    if (isFailure(quote) && !isFailure(consent)) await deps.consents.close(consent) // nobody may approve a payment without a quote
  } else {
    // The grant limits the debit, fee included, which only the quote knows.
    quote = await askQuote()
    consent = isFailure(quote) ? quote : await askConsent({ debitAmount: quote.debitAmount })
  }
  if (isFailure(quote)) return failStart(quote)
  if (isFailure(consent)) return failStart(consent)

  const updated = await deps.store.transition(id, ['starting'], {
    state: 'awaiting_consent',
    buyerWalletAddressId: buyerWallet.id,
    buyerAuthServer: buyerWallet.authServer,
    buyerResourceServer: buyerWallet.resourceServer,
    incomingPaymentId: incoming.id,
    quoteId: quote.id,
    quoteExpiresAt: quote.expiresAt ? new Date(quote.expiresAt) : null,
    debitValue: BigInt(quote.debitAmount.value),
    debitAssetCode: quote.debitAmount.assetCode,
    debitAssetScale: quote.debitAmount.assetScale,
    receiveValue: BigInt(quote.receiveAmount.value),
    consentId: consent.id,
    consentExpiresAt,
    // The worker looks at it again when consent is overdue.
    nextAttemptAt: consentExpiresAt
  })
  if (!updated) {
    // The worker took it for interrupted meanwhile (and found no consent yet): nobody may approve it now.
    await deps.consents.close(consent)
    return fail(CommonError.WalletUnavailable, 'The payment start was interrupted; start again')
  }
  log.info({ quoteId: quote.id, debit: quote.debitAmount }, 'payment awaiting consent')
  return { payment: updated, consent, created: true }
}


/** The payments of the same offer, seller, buyer and amount in one of `states` (what the open-start index keys on). */
const sameStart = (input: StartPaymentInput, value: bigint, states: PaymentRow['state'][]) =>
  and(
    eq(payments.offerId, input.offerId),
    eq(payments.sellerId, input.sellerId),
    eq(payments.buyerWalletAddressUrl, input.buyerWalletAddressUrl),
    eq(payments.amountValue, value),
    inArray(payments.state, states)
  )

/**
 * Ends the open payment of this offer, seller, buyer and amount if its wallet reported, by an
 * unsigned redirect, that the buyer declined or that the approval window closed. Only the API's
 * caller (the marketplace, on its signed-in user's behalf) can start again, so this is the owner
 * deciding, not a typed URL; the grant is cancelled so that the old consent page can no longer pay.
 */
async function supersedeReported(deps: PaymentDeps, input: StartPaymentInput, value: bigint): Promise<boolean> {
  const [open] = await deps.db.select().from(payments).where(sameStart(input, value, ['awaiting_consent']))
  const consent = open?.consentId ? await deps.consents.find(open.consentId) : undefined
  if (!open || !consent?.walletResult) return false
  // Closing the consent first (it cancels the grant) means no callback can claim it after this.
  if (!(await deps.consents.close(consent))) return false
  const declined = consent.walletResult === 'grant_rejected'
  const ended = await deps.store.transition(open.id, ['awaiting_consent'], {
    state: declined ? 'rejected' : 'expired',
    failureCode: 'superseded',
    failureMessage: declined
      ? "The buyer's wallet said the payment was declined, and the buyer started a new one"
      : `The buyer's wallet could not finish the approval (${consent.walletResult}), and the buyer started a new one`,
    nextAttemptAt: null
  })
  if (!ended) return false
  deps.logger.info({ pendingId: open.id, walletResult: consent.walletResult }, 'open payment superseded by a new start')
  return true
}

/** Another request is starting (or has started) the same payment: wait for it and return it. */
async function awaitOpenStart(deps: PaymentDeps, input: StartPaymentInput, value: bigint): Promise<PaymentRow | Failure> {
  const deadline = Date.now() + 20_000
  for (;;) {
    const [open] = await deps.db.select().from(payments).where(sameStart(input, value, ['starting', 'awaiting_consent']))
    if (open?.state === 'awaiting_consent') return open
    if (!open) {
      // The other start ended (failed) between our insert and this read: report the latest attempt.
      const [latest] = await deps.db
        .select()
        .from(payments)
        .where(and(eq(payments.offerId, input.offerId), eq(payments.buyerWalletAddressUrl, input.buyerWalletAddressUrl), eq(payments.amountValue, value)))
        .orderBy(desc(payments.createdAt))
        .limit(1)
      if (latest?.state === 'failed') return fail((latest.failureCode as Failure['failure']) ?? CommonError.WalletUnavailable, latest.failureMessage ?? 'The payment start failed')
      return fail(PaymentError.StartInProgress, 'The same payment is being started; try again')
    }
    if (Date.now() > deadline) return fail(PaymentError.StartInProgress, 'The same payment is still being started; try again shortly')
    await sleep(50)
  }
}
