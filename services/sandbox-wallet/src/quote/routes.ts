import type { FastifyInstance } from 'fastify'
import type { SandboxDeps } from '../deps.ts'
import { urls } from '../config.ts'
import { fail, isFailure, sendFailure } from '../http/errors.ts'
import { walletFromUrl } from '../wallet-address/lookup.ts'
import type { AmountJson } from '../grant/model.ts'

interface CreateBody {
  walletAddress: string
  receiver: string
  method: 'ilp'
  debitAmount?: AmountJson
  receiveAmount?: AmountJson
}

export function quoteRoutes(app: FastifyInstance, deps: SandboxDeps): void {
  const { quotes, resourceAuth, openApi } = deps
  const u = urls(deps.config)

  app.post<{ Body: CreateBody }>('/quotes', openApi.route('resource', '/quotes', 'post'), async (request, reply) => {
    const auth = await resourceAuth.authorize(request, reply, { type: 'quote', action: 'create', walletAddressUrl: request.body.walletAddress })
    if (!auth) return reply
    const wallet = await walletFromUrl(deps, request.body.walletAddress)
    if (!wallet) return sendFailure(reply, fail('rs_unknown_wallet_address'))
    const quote = await quotes.create({ wallet, client: auth.client, ...request.body })
    if (isFailure(quote)) return sendFailure(reply, quote)
    return reply.code(201).send(quotes.toJson(quote, wallet))
  })

  app.get<{ Params: { id: string } }>('/quotes/:id', openApi.route('resource', '/quotes/{id}', 'get'), async (request, reply) => {
    const quote = await quotes.get(request.params.id)
    const wallet = quote && (await deps.walletAddresses.getById(quote.walletAddressId))
    // Rafiki finds the quote's wallet address first and answers an unknown quote 401 (wallet_address/middleware.ts).
    if (!quote || !wallet) {
      return sendFailure(
        reply,
        fail('rs_unknown_resource', 'no such quote', { description: 'Failed to get wallet address from quote', id: request.params.id })
      )
    }
    const auth = await resourceAuth.authorize(request, reply, {
      type: 'quote',
      action: 'read',
      walletAddressUrl: u.walletAddress(wallet.name)
    })
    if (!auth) return reply
    if (!auth.all && quote.client !== auth.client) {
      return sendFailure(reply, fail('quote_not_found', 'created by another client', { id: request.params.id }))
    }
    return reply.send(quotes.toJson(quote, wallet))
  })
}
