import { and, desc, eq, ne } from 'drizzle-orm'
import { transitionIf } from '@voces/platform'
import { fail, isFailure, type Failure, PayoutError } from '../errors.ts'
import type { PayoutDeps } from './deps.ts'
import { payoutGrants, type PayoutGrantRow } from './model.ts'

/**
 * The escrow wallet's standing grant: the one active grant of a seller, its token kept usable by
 * rotation. A token that can no longer be rotated ends the grant (the operator connects it again);
 * it is never rotated in a loop.
 */

/** Applies a patch under a row lock if the grant is still in `from`; an activated grant replaces the seller's older ones. */
export function setGrant(deps: PayoutDeps, id: string, from: PayoutGrantRow['state'], patch: Partial<typeof payoutGrants.$inferInsert>) {
  return transitionIf(deps.db, payoutGrants, id, (current) => current.state === from, { ...patch, updatedAt: new Date() }, async (tx, before) => {
    if (patch.state !== 'active') return
    await tx
      .update(payoutGrants)
      .set({ state: 'replaced', updatedAt: new Date() })
      .where(and(eq(payoutGrants.sellerId, before.sellerId), eq(payoutGrants.state, 'active'), ne(payoutGrants.id, id)))
  })
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
