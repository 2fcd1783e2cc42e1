import { randomUUID } from 'node:crypto'
import { and, eq, ne } from 'drizzle-orm'
import { isFailure, type Failure } from '../errors.ts'
import { checkReturnUrl, parseAmount } from '../input.ts'
import type { PayoutDeps } from './deps.ts'
import { payoutGrants, type PayoutGrantRow } from './model.ts'
import { setGrant } from './standing-grant.ts'

export interface StartPayoutGrantInput {
  sellerId: string
  debitLimit: string
  interval?: string | undefined
  returnUrl?: string | undefined
}

/**
 * Asks the seller (escrow) wallet's owner for a standing outgoing-payment grant with an amount
 * limit (and optional interval); its consent holds the URL to send the owner to. Payouts then need
 * no further consent. A new request replaces the seller's older ones still awaiting consent.
 */
export async function startPayoutGrant(deps: PayoutDeps, input: StartPayoutGrantInput): Promise<PayoutGrantRow | Failure> {
  const badReturnUrl = checkReturnUrl(input.returnUrl, deps.config.allowedReturnOrigins)
  if (badReturnUrl) return badReturnUrl
  const seller = await deps.sellers.get(input.sellerId)
  if (isFailure(seller)) return seller
  const wallet = await deps.openPayments.walletAddress(seller.walletAddressUrl, 'seller_wallet_address')
  if (isFailure(wallet)) return wallet
  const limit = parseAmount(input.debitLimit, wallet)
  if (isFailure(limit)) return limit
  const debitAmount = { value: limit.toString(), assetCode: wallet.assetCode, assetScale: wallet.assetScale }
  const id = randomUUID()
  const consent = await deps.consents.request(seller, {
    id,
    purpose: 'payout_grant',
    wallet,
    limits: { debitAmount, ...(input.interval ? { interval: input.interval } : {}) }
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
      consentId: consent.id
    })
    .returning()
  deps.logger.info({ sellerId: seller.id, payoutGrantId: row!.id }, 'payout grant awaiting consent')
  await retireOlderRequests(deps, row!)
  return row!
}

/**
 * A new connection request replaces the seller's older ones still awaiting consent: their consents
 * are closed (grants cancelled, so no forgotten consent page can still be approved) and they end as expired.
 */
async function retireOlderRequests(deps: PayoutDeps, current: PayoutGrantRow): Promise<void> {
  const older = await deps.db
    .select()
    .from(payoutGrants)
    .where(and(eq(payoutGrants.sellerId, current.sellerId), eq(payoutGrants.state, 'awaiting_consent'), ne(payoutGrants.id, current.id)))
  for (const g of older) {
    const consent = g.consentId ? await deps.consents.find(g.consentId) : undefined
    if (consent && !(await deps.consents.close(consent))) continue
    await setGrant(deps, g.id, 'awaiting_consent', { state: 'expired', failureMessage: 'Replaced by a newer connection request' })
  }
}
