import { ErrorBody, jsonSchema } from '@voces/payments-contract'

const errorBodySchema = jsonSchema(ErrorBody)

/** JSON Schemas shared by routes: they validate requests and describe the API at /docs. */
export const errorResponses = {
  400: errorBodySchema,
  401: errorBodySchema,
  404: errorBodySchema,
  409: errorBodySchema,
  502: errorBodySchema,
  503: errorBodySchema
} as const

export const bearer = [{ bearerAuth: [] }]

/** A wallet address URL or payment pointer; each route reads it with walletAddressInput (input.ts). */
export const walletAddressUrl = {
  type: 'string',
  minLength: 1,
  maxLength: 2048,
  description: 'A wallet address URL (https://wallet.example/alice) or payment pointer ($wallet.example/alice)'
} as const
export const decimalAmount = { type: 'string', maxLength: 40, description: 'Decimal string in the asset of the seller wallet, e.g. "100.00"' } as const
export const identifier = { type: 'string', minLength: 1, maxLength: 200 } as const
