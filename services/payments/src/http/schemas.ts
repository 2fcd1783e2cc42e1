import { errorBodySchema } from './errors.ts'

/** JSON Schemas shared by routes: they validate requests and describe the API at /docs. */
export const amountSchema = {
  type: ['object', 'null'],
  properties: {
    value: { type: 'string', description: 'Integer minor units' },
    assetCode: { type: 'string' },
    assetScale: { type: 'integer' },
    formatted: { type: 'string', description: 'Decimal string, e.g. "12.50"' }
  },
  additionalProperties: true
} as const

export const freeObject = { type: 'object', additionalProperties: true } as const

export const errorResponses = {
  400: errorBodySchema,
  401: errorBodySchema,
  404: errorBodySchema,
  409: errorBodySchema,
  502: errorBodySchema,
  503: errorBodySchema
} as const

export const bearer = [{ bearerAuth: [] }]

export const walletAddressUrl = { type: 'string', format: 'uri', pattern: '^https?://', maxLength: 2048 } as const
export const decimalAmount = { type: 'string', maxLength: 40, description: 'Decimal string in the asset of the seller wallet, e.g. "100.00"' } as const
export const identifier = { type: 'string', minLength: 1, maxLength: 200 } as const
