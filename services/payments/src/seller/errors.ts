export const SellerError = {
  UnknownSeller: 'unknown_seller',
  SellerExists: 'seller_exists',
  InvalidSellerKey: 'invalid_seller_key'
} as const
export type SellerError = (typeof SellerError)[keyof typeof SellerError]

export const sellerErrorStatus: { [k in SellerError]: number } = {
  unknown_seller: 404,
  seller_exists: 409,
  invalid_seller_key: 400
}
