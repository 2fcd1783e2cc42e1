export const PayoutError = {
  UnknownPayout: 'unknown_payout',
  ReferenceConflict: 'reference_conflict',
  NoPayoutGrant: 'no_payout_grant',
  UnknownPayoutGrant: 'unknown_payout_grant'
} as const
export type PayoutError = (typeof PayoutError)[keyof typeof PayoutError]

export const payoutErrorStatus: { [k in PayoutError]: number } = {
  unknown_payout: 404,
  reference_conflict: 409,
  no_payout_grant: 409,
  unknown_payout_grant: 404
}
