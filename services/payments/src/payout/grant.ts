import { randomUUID } from 'node:crypto'
import { and, desc, eq, ne } from 'drizzle-orm'
import { isFinalizedGrantWithAccessToken } from '@interledger/open-payments'
import { parseDecimalAmount, transitionIf } from '@voces/platform'
import { fail, isFailure, type Failure } from '../errors.ts'
import { backTo, resultPage, type FinishOutcome } from '../http/pages.ts'
import { verifyFinishHash } from '../open-payments/hash.ts'
import { requestConsent } from '../open-payments/consent-grant.ts'
import { isAllowedReturnUrl } from '../payment/deps.ts'
import { PaymentError } from '../payment/errors.ts'
import { amountFailure } from '../payment/start-payment.ts'
import type { PayoutDeps } from './deps.ts'
import { PayoutError } from './errors.ts'
import { payoutGrants, type PayoutGrantRow } from './model.ts'

export interface StartPayoutGrantInput {
  sellerId: string
  debitLimit: string
  interval?: string | undefined
  returnUrl?: string | undefined
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/**
 * Asks the seller (escrow) wallet's owner for a standing outgoing-payment grant with an amount
 * limit (and optional interval); returns the consent URL. Payouts then need no further consent.
 */
export async function startPayoutGrant(deps: PayoutDeps, input: StartPayoutGrantInput): Promise<PayoutGrantRow | Failure> {
  if (input.returnUrl && !isAllowedReturnUrl(input.returnUrl, deps.config.allowedReturnOrigins)) {
    return fail(PaymentError.ReturnUrlNotAllowed, `returnUrl must be on one of: ${deps.config.allowedReturnOrigins.join(', ')}`)
  }
  const seller = await deps.sellers.get(input.sellerId)
  if (isFailure(seller)) return seller
  const wallet = await deps.openPayments.walletAddress(seller.walletAddressUrl, 'seller_wallet_address')
  if (isFailure(wallet)) return wallet
  const limit = parseDecimalAmount(input.debitLimit, wallet.assetScale)
  if (typeof limit === 'string') return amountFailure(limit, input.debitLimit, wallet.assetCode, wallet.assetScale)
  const id = randomUUID()
  const debitAmount = { value: limit.toString(), assetCode: wallet.assetCode, assetScale: wallet.assetScale }
  const consent = await requestConsent(deps.openPayments, seller, {
    wallet,
    limits: { debitAmount, ...(input.interval ? { interval: input.interval } : {}) },
    finishUri: `${deps.config.publicBaseUrl}/payments/finish?payoutGrantId=${id}`
  })
  if (isFailure(consent)) return consent
  const [row] = await deps.db
    .insert(payoutGrants)
    .values({
      id,
      sellerId: seller.id,
      state: 'awaiting_consent',
      limitValue: limit,
      assetCode: wallet.assetCode,
      assetScale: wallet.assetScale,
      interval: input.interval ?? null,
      returnUrl: input.returnUrl ?? null,
      walletAddressId: wallet.id,
      authServer: wallet.authServer,
      ...consent.columns
    })
    .returning()
  deps.logger.info({ sellerId: seller.id, payoutGrantId: id }, 'payout grant awaiting consent')
  await retireOlderRequests(deps, row!)
  return row!
}

/**
 * A new connection request replaces the seller's older ones still awaiting consent: they end as
 * expired and their grants are cancelled, so that no forgotten consent page can still be approved.
 */
async function retireOlderRequests(deps: PayoutDeps, current: PayoutGrantRow): Promise<void> {
  const older = await deps.db
    .select()
    .from(payoutGrants)
    .where(and(eq(payoutGrants.sellerId, current.sellerId), eq(payoutGrants.state, 'awaiting_consent'), ne(payoutGrants.id, current.id)))
  const seller = await deps.sellers.get(current.sellerId)
  for (const g of older) {
    const ended = await setGrant(deps, g.id, 'awaiting_consent', { state: 'expired', failureMessage: 'Replaced by a newer connection request' }, (row) => row.interactRef === null)
    if (!ended || isFailure(seller) || !g.continueUri || !g.continueToken) continue
    const cancelled = await deps.openPayments.call(seller, 'grant_continuation', (client) => client.grant.cancel({ url: g.continueUri!, accessToken: g.continueToken! }))
    if (isFailure(cancelled)) deps.logger.info({ payoutGrantId: g.id, reason: cancelled.message }, 'grant cancel failed (ignored)')
  }
}

function grantOutcome(g: PayoutGrantRow, extra: Record<string, string> = {}): FinishOutcome {
  if (g.returnUrl) return backTo(g.returnUrl, { payoutGrant: g.id, status: g.state, ...extra })
  const text = extra.walletResult
    ? `The wallet did not approve the payout authorisation (${extra.walletResult}). Nothing changed; connect the wallet again to retry.`
    : g.state === 'active'
      ? 'Payouts from this wallet are now authorised. You can close this page.'
      : `The payout authorisation is ${g.state.replace('_', ' ')}.`
  return { status: extra.error ? 400 : 200, html: resultPage('Escrow wallet', extra.error ? 'This link is not valid. Nothing was changed.' : text) }
}

function setGrant(deps: PayoutDeps, id: string, from: PayoutGrantRow['state'], patch: Partial<typeof payoutGrants.$inferInsert>, guard?: (g: PayoutGrantRow) => boolean) {
  return transitionIf(deps.db, payoutGrants, id, (current) => current.state === from && (!guard || guard(current)), { ...patch, updatedAt: new Date() }, async (tx, before) => {
    if (patch.state !== 'active') return
    // The newest connected grant replaces older ones of the same seller.
    await tx
      .update(payoutGrants)
      .set({ state: 'replaced', updatedAt: new Date() })
      .where(and(eq(payoutGrants.sellerId, before.sellerId), eq(payoutGrants.state, 'active'), ne(payoutGrants.id, id)))
  })
}

/** The escrow owner's redirect: verify the hash, continue the grant once, keep its token. */
export async function finishPayoutGrant(
  deps: PayoutDeps,
  query: { payoutGrantId: string; hash?: string | undefined; interact_ref?: string | undefined; result?: string | undefined }
): Promise<FinishOutcome> {
  const [grant] = await deps.db.select().from(payoutGrants).where(eq(payoutGrants.id, query.payoutGrantId))
  if (!grant) return { status: 404, html: resultPage('Not found', 'This link is not valid.') }
  if (query.result) {
    // Unsigned: anyone can type `?result=grant_rejected`, and the wallet answers a continuation of a
    // declined grant exactly as one still waiting (Rafiki: request_denied). So it is shown, and the
    // request stays open; connecting again replaces it.
    deps.logger.info({ payoutGrantId: grant.id, result: query.result.slice(0, 100) }, 'escrow wallet reported no consent (unsigned; left open)')
    return grantOutcome(grant, { walletResult: query.result.slice(0, 100) })
  }
  const valid =
    !!grant.interactNonce &&
    !!query.interact_ref &&
    verifyFinishHash({ hash: query.hash, clientNonce: grant.clientNonce, interactNonce: grant.interactNonce, interactRef: query.interact_ref, authServer: grant.authServer })
  if (!valid) return grantOutcome(grant, { error: 'invalid_callback' })
  const claimed = await setGrant(deps, grant.id, 'awaiting_consent', { interactRef: query.interact_ref }, (g) => g.interactRef === null)
  if (!claimed) return grantOutcome(grant)
  const remaining = (grant.grantRequestedAt?.getTime() ?? 0) + (grant.continueWaitSeconds ?? 0) * 1000 - Date.now()
  if (remaining > 0) await sleep(Math.min(remaining, deps.config.maxContinueWaitMs))
  const seller = await deps.sellers.get(grant.sellerId)
  if (isFailure(seller)) return grantOutcome(grant, { error: 'unknown_seller' })
  let continued = await deps.openPayments.call(seller, 'grant_continuation', (client) =>
    client.grant.continue({ url: grant.continueUri!, accessToken: grant.continueToken! }, { interact_ref: query.interact_ref! })
  )
  if (isFailure(continued) && 'walletCode' in continued && continued.walletCode === 'too_fast') {
    await sleep(1000)
    continued = await deps.openPayments.call(seller, 'grant_continuation', (client) =>
      client.grant.continue({ url: grant.continueUri!, accessToken: grant.continueToken! }, { interact_ref: query.interact_ref! })
    )
  }
  if (isFailure(continued) || !isFinalizedGrantWithAccessToken(continued)) {
    const message = isFailure(continued) ? continued.message : 'The wallet did not finalise the grant'
    deps.logger.warn({ payoutGrantId: grant.id, reason: message }, 'payout grant continuation failed')
    // Let the operator start again: a failed continuation cannot be retried with the same interact_ref.
    const ended = await setGrant(deps, grant.id, 'awaiting_consent', { state: 'expired', failureMessage: message })
    return grantOutcome(ended ?? grant, { error: 'continuation_failed' })
  }
  const token = continued.access_token
  const active = await setGrant(deps, grant.id, 'awaiting_consent', {
    state: 'active',
    accessToken: token.value,
    manageUrl: token.manage,
    tokenExpiresAt: token.expires_in ? new Date(Date.now() + token.expires_in * 1000) : null
  })
  deps.logger.info({ payoutGrantId: grant.id, sellerId: grant.sellerId }, 'payout grant active')
  return grantOutcome(active ?? grant)
}

/** The seller's active payout grant with a usable token, rotating the token when it is due. */
export async function activePayoutGrant(deps: PayoutDeps, sellerId: string): Promise<PayoutGrantRow | Failure> {
  const [grant] = await deps.db
    .select()
    .from(payoutGrants)
    .where(and(eq(payoutGrants.sellerId, sellerId), eq(payoutGrants.state, 'active')))
    .orderBy(desc(payoutGrants.createdAt))
    .limit(1)
  if (!grant) return fail(PayoutError.NoPayoutGrant, `Seller ${sellerId} has no connected escrow wallet: POST /sellers/${sellerId}/payout-grant first`)
  if (!grant.tokenExpiresAt || grant.tokenExpiresAt.getTime() > Date.now() + 30_000) return grant
  return rotatePayoutToken(deps, grant)
}

export async function rotatePayoutToken(deps: PayoutDeps, grant: PayoutGrantRow): Promise<PayoutGrantRow | Failure> {
  const seller = await deps.sellers.get(grant.sellerId)
  if (isFailure(seller)) return seller
  const rotated = await deps.openPayments.call(seller, 'token_rotation', (client) => client.token.rotate({ url: grant.manageUrl!, accessToken: grant.accessToken! }))
  if (isFailure(rotated)) {
    if (!('transient' in rotated) || !rotated.transient) {
      await setGrant(deps, grant.id, 'active', { state: 'expired', failureMessage: rotated.message })
      return fail(PayoutError.NoPayoutGrant, `The escrow wallet's payout grant can no longer be used (${rotated.message}); connect it again`)
    }
    return rotated
  }
  const token = rotated.access_token
  const updated = await setGrant(deps, grant.id, 'active', {
    accessToken: token.value,
    manageUrl: token.manage,
    tokenExpiresAt: token.expires_in ? new Date(Date.now() + token.expires_in * 1000) : null
  })
  return updated ?? grant
}
