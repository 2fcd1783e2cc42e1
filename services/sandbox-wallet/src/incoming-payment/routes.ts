import type { FastifyInstance } from 'fastify'
import type { SandboxDeps } from '../deps.ts'
import { urls } from '../config.ts'
import { fail, isFailure, sendFailure } from '../http/errors.ts'
import { walletFromUrl } from '../wallet-address/lookup.ts'
import { pageInfo } from '../db/pagination.ts'
import type { AmountJson } from '../grant/model.ts'

interface CreateBody {
  walletAddress: string
  incomingAmount?: AmountJson
  expiresAt?: string
  metadata?: Record<string, unknown>
}

/**
 * Rafiki finds the wallet address of `/incoming-payments/{id}` from the payment before anything
 * else, and answers an unknown one 401 (open_payments/wallet_address/middleware.ts).
 */
const unknown = (id: string) =>
  fail('rs_unknown_resource', 'no such incoming payment', { description: 'Failed to get wallet address from incoming payment', id })

export function incomingPaymentRoutes(app: FastifyInstance, deps: SandboxDeps): void {
  const { incomingPayments, resourceAuth, openApi } = deps
  const u = urls(deps.config)

  app.post<{ Body: CreateBody }>('/incoming-payments', openApi.route('resource', '/incoming-payments', 'post'), async (request, reply) => {
    const auth = await resourceAuth.authorize(request, reply, {
      type: 'incoming-payment',
      action: 'create',
      walletAddressUrl: request.body.walletAddress
    })
    if (!auth) return reply
    const wallet = await walletFromUrl(deps, request.body.walletAddress)
    if (!wallet) return sendFailure(reply, fail('rs_unknown_wallet_address'))
    const created = await incomingPayments.create({ wallet, client: auth.client, ...request.body })
    if (isFailure(created)) return sendFailure(reply, created)
    return reply.code(201).send({ ...incomingPayments.toJson(created, wallet), methods: incomingPayments.methods(created, wallet) })
  })

  app.get<{ Querystring: { 'wallet-address'?: string; cursor?: string; first?: number; last?: number } }>(
    '/incoming-payments',
    openApi.route('resource', '/incoming-payments', 'get'),
    async (request, reply) => {
      const walletUrl = request.query['wallet-address']
      const auth = await resourceAuth.authorize(request, reply, { type: 'incoming-payment', action: 'list', walletAddressUrl: walletUrl })
      if (!auth) return reply
      const wallet = await walletFromUrl(deps, walletUrl)
      if (!wallet) return sendFailure(reply, fail('rs_unknown_wallet_address'))
      const { cursor, first, last } = request.query
      const page = await incomingPayments.list(wallet, auth.all ? null : auth.client, { cursor, first, last })
      return reply.send({
        pagination: pageInfo(page),
        result: page.rows.map((row) => incomingPayments.toJson(row, wallet))
      })
    }
  )

  app.get<{ Params: { id: string } }>(
    '/incoming-payments/:id',
    openApi.route('resource', '/incoming-payments/{id}', 'get'),
    async (request, reply) => {
      const found = await incomingPayments.resolveReceiver(u.incomingPayment(request.params.id))
      if (!found) return sendFailure(reply, unknown(request.params.id))
      const { payment, wallet } = found
      // Without a token anyone may see the public form: enough for a payer's wallet to quote.
      if (!request.headers.authorization) {
        return reply.send({
          receivedAmount: incomingPayments.toJson(payment, wallet).receivedAmount,
          authServer: u.authServer()
        })
      }
      const auth = await resourceAuth.authorize(request, reply, {
        type: 'incoming-payment',
        action: 'read',
        walletAddressUrl: u.walletAddress(wallet.name)
      })
      if (!auth) return reply
      if (!auth.all && payment.client !== auth.client) {
        return sendFailure(reply, fail('incoming_payment_not_found', 'created by another client', { id: request.params.id }))
      }
      return reply.send({ ...incomingPayments.toJson(payment, wallet), methods: incomingPayments.methods(payment, wallet) })
    }
  )

  app.post<{ Params: { id: string } }>(
    '/incoming-payments/:id/complete',
    openApi.route('resource', '/incoming-payments/{id}/complete', 'post'),
    async (request, reply) => {
      const found = await incomingPayments.resolveReceiver(u.incomingPayment(request.params.id))
      if (!found) return sendFailure(reply, unknown(request.params.id))
      const auth = await resourceAuth.authorize(request, reply, {
        type: 'incoming-payment',
        action: 'complete',
        walletAddressUrl: u.walletAddress(found.wallet.name)
      })
      if (!auth) return reply
      const completed = await incomingPayments.complete(found.payment)
      if (isFailure(completed)) return sendFailure(reply, completed)
      return reply.send(incomingPayments.toJson(completed, found.wallet))
    }
  )
}
