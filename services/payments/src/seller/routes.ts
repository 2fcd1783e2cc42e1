import type { FastifyInstance } from 'fastify'
import { isFailure } from '../errors.ts'
import { sendFailure } from '../http/errors.ts'
import { walletAddressInput } from '../input.ts'
import { jsonSchema, SellerResponse, SellersResponse } from '@voces/payments-contract'
import { bearer, errorResponses, walletAddressUrl } from '../http/schemas.ts'
import type { SellerService } from './service.ts'

export function registerSellerRoutes(app: FastifyInstance, deps: { sellers: SellerService }) {
  app.get(
    '/sellers',
    { schema: { summary: 'Registered sellers (never their keys)', tags: ['sellers'], security: bearer, response: { 200: jsonSchema(SellersResponse), ...errorResponses } } },
    async () => ({ success: true, sellers: await deps.sellers.list() })
  )

  app.post<{ Body: { id: string; walletAddressUrl: string; keyId: string; privateKeyPath?: string; privateKeyEnv?: string } }>(
    '/sellers',
    {
      schema: {
        summary: 'Register a seller: its wallet address, key id, and where its private key is (file or environment variable)',
        tags: ['sellers'],
        security: bearer,
        body: {
          type: 'object',
          required: ['id', 'walletAddressUrl', 'keyId'],
          additionalProperties: false,
          properties: {
            id: { type: 'string', pattern: '^[A-Za-z0-9_-]{1,64}$' },
            walletAddressUrl,
            keyId: { type: 'string', minLength: 1, maxLength: 200 },
            privateKeyPath: { type: 'string', minLength: 1, maxLength: 1024, description: 'Path of a PEM file readable by the service' },
            privateKeyEnv: { type: 'string', pattern: '^[A-Z][A-Z0-9_]*_KEY$', description: 'Name of an environment variable holding the PEM' }
          }
        },
        response: { 201: jsonSchema(SellerResponse), ...errorResponses }
      }
    },
    async (request, reply) => {
      const walletAddressUrl = walletAddressInput(request.body.walletAddressUrl)
      if (isFailure(walletAddressUrl)) return sendFailure(reply, walletAddressUrl)
      const seller = await deps.sellers.register({ ...request.body, walletAddressUrl })
      if (isFailure(seller)) return sendFailure(reply, seller)
      return reply.code(201).send({ success: true, seller })
    }
  )
}
