import type { FastifyInstance } from 'fastify'
import { isFailure } from '../errors.ts'
import { sendFailure } from '../http/errors.ts'
import { jsonSchema, WalletAddressCheckResponse } from '@voces/payments-contract'
import { bearer, errorResponses, walletAddressUrl } from '../http/schemas.ts'
import type { OpenPayments } from '../open-payments/client.ts'
import { walletAddressInput } from '../input.ts'

/**
 * Is this a reachable Open Payments wallet address? The marketplace asks before saving one on a
 * profile, so that people learn of a typo at once rather than when money should move.
 */
export function registerWalletAddressRoutes(app: FastifyInstance, deps: { openPayments: OpenPayments }) {
  app.get<{ Querystring: { url: string } }>(
    '/wallet-addresses/check',
    {
      schema: {
        summary: 'Fetch and validate a wallet address document (through the SDK, spec-validated, cached)',
        tags: ['wallet addresses'],
        security: bearer,
        querystring: { type: 'object', required: ['url'], additionalProperties: false, properties: { url: walletAddressUrl } },
        response: { 200: jsonSchema(WalletAddressCheckResponse), ...errorResponses }
      }
    },
    async (request, reply) => {
      const url = walletAddressInput(request.query.url)
      if (isFailure(url)) return sendFailure(reply, url)
      const wallet = await deps.openPayments.walletAddress(url, 'receiver_wallet_address')
      if (isFailure(wallet)) return sendFailure(reply, wallet)
      const { id, publicName, assetCode, assetScale, authServer, resourceServer } = wallet
      return { success: true, walletAddress: { id, publicName, assetCode, assetScale, authServer, resourceServer } }
    }
  )
}
