import type { Payout } from './model.ts'

/**
 * The figures of one payout, each computed here only, so every page shows the same number. They are
 * the payments service's own figures as last recorded (payouts/service.ts `record`), never guessed.
 */

export interface Amount {
  value: bigint
  assetCode: string
  assetScale: number
}

/**
 * What the receiver's wallet received (or will receive), in its own asset. A row recorded before the
 * payments service reported it falls back to what left escrow, the only figure there is for it.
 */
export function payoutReceived(p: Payout): Amount {
  if (p.received !== null && p.receivedAssetCode !== null && p.receivedAssetScale !== null) {
    return { value: p.received, assetCode: p.receivedAssetCode, assetScale: p.receivedAssetScale }
  }
  return { value: p.amount, assetCode: p.assetCode, assetScale: p.assetScale }
}

/** What the payout cost in fees (what left escrow − what arrived), in the escrow asset; null when not known (e.g. across assets). */
export function payoutFee(p: Payout): bigint | null {
  return p.fee
}

/** What left (or leaves) escrow for this payout, fees included: the quote's debit once known, else what was asked. */
export function payoutDebited(p: Payout): bigint {
  return p.debited ?? p.amount
}

/**
 * Whose fee it is: a creator's payout is fixed receive, so escrow (the funder's reserve) pays its fee
 * and she gets her whole pay; a refund is fixed send, so its fee comes out of what the funder gets.
 */
export function feeBorneByReceiver(p: Pick<Payout, 'kind'>): boolean {
  return p.kind === 'refund'
}
