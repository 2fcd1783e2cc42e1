export const PaymentError = {
  UnknownPayment: 'unknown_payment',
  StartInProgress: 'start_in_progress',
  QuoteExpired: 'quote_expired'
} as const
export type PaymentError = (typeof PaymentError)[keyof typeof PaymentError]

export const paymentErrorStatus: { [k in PaymentError]: number } = {
  unknown_payment: 404,
  start_in_progress: 409,
  quote_expired: 409
}
