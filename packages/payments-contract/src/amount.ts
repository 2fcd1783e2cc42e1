import { z } from 'zod'

/** Money on the wire: integer minor units as a string, with asset code and scale, and the decimal form for people. */
export const Amount = z.object({
  value: z.string().regex(/^-?\d+$/),
  assetCode: z.string(),
  assetScale: z.number().int().min(0).max(255),
  formatted: z.string()
})
export type Amount = z.infer<typeof Amount>

/** A failure as the API reports it on a payment or payout. */
export const Failure = z.object({ code: z.string(), message: z.string() })

/** The one error body of the API. */
export const ErrorBody = z.object({
  success: z.literal(false),
  error: z.object({
    code: z.string(),
    message: z.string(),
    step: z.string().optional(),
    /** On invalid_wallet_address (and wallet_unavailable for a wallet address): why, for the person. */
    reason: z.string().optional()
  })
})
export type ErrorBody = z.infer<typeof ErrorBody>

export const isoDate = z.string()
