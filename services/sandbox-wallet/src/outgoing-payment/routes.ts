import type { FastifyInstance } from 'fastify'
import type { SandboxDeps } from '../deps.ts'
import { urls } from '../config.ts'
import { fail, isFailure, sendFailure } from '../http/errors.ts'
import { walletFromUrl } from '../wallet-address/lookup.ts'
import { pageInfo } from '../db/pagination.ts'
import type { AccessItem, AmountJson } from '../grant/model.ts'

type OutgoingAccess = Extract<AccessItem, { type: 'outgoing-payment' }>

export function outgoingPaymentRoutes(app: FastifyInstance, deps: SandboxDeps): void {
  const { outgoingPayments, resourceAuth, openApi } = deps
  const u = urls(deps.config)

  app.post<{
    Body: { walletAddress: string; quoteId?: string; incomingPayment?: string; debitAmount?: AmountJson; metadata?: Record<string, unknown> }
  }>(
    '/outgoing-payments',
    openApi.route('resource', '/outgoing-payments', 'post'),
    async (request, reply) => {
      const auth = await resourceAuth.authorize(request, reply, {
        type: 'outgoing-payment',
        action: 'create',
        walletAddressUrl: request.body.walletAddress
      })
      if (!auth) return reply
      const wallet = await walletFromUrl(deps, request.body.walletAddress)
      if (!wallet) return sendFailure(reply, fail('rs_unknown_wallet_address'))
      const { quoteId, incomingPayment, debitAmount, metadata } = request.body
      // The spec's two bodies: from a quote, or from an incoming payment and a debit amount.
      const source = incomingPayment && debitAmount ? { incomingPayment, debitAmount } : { quoteId: quoteId ?? '' }
      const created = await outgoingPayments.create({
        wallet,
        grant: auth.grant,
        item: auth.item as OutgoingAccess,
        client: auth.client,
        metadata,
        ...source
      })
      if (isFailure(created)) return sendFailure(reply, created)
      request.log.info({ outgoingPaymentId: created.payment.id }, 'outgoing payment created')
      return reply.code(201).send(await outgoingPayments.toJson(created.payment, wallet, created.spent))
    }
  )

  app.get<{ Querystring: { 'wallet-address'?: string; cursor?: string; first?: number; last?: number } }>(
    '/outgoing-payments',
    openApi.route('resource', '/outgoing-payments', 'get'),
    async (request, reply) => {
      const walletUrl = request.query['wallet-address']
      const auth = await resourceAuth.authorize(request, reply, { type: 'outgoing-payment', action: 'list', walletAddressUrl: walletUrl })
      if (!auth) return reply
      const wallet = await walletFromUrl(deps, walletUrl)
      if (!wallet) return sendFailure(reply, fail('rs_unknown_wallet_address'))
      const { cursor, first, last } = request.query
      const page = await outgoingPayments.list(wallet, auth.all ? null : auth.client, { cursor, first, last })
      return reply.send({
        pagination: pageInfo(page),
        result: await Promise.all(page.rows.map((row) => outgoingPayments.toJson(row, wallet)))
      })
    }
  )

  app.get<{ Params: { id: string } }>(
    '/outgoing-payments/:id',
    openApi.route('resource', '/outgoing-payments/{id}', 'get'),
    async (request, reply) => {
      const payment = await outgoingPayments.get(request.params.id)
      const wallet = payment && (await deps.walletAddresses.getById(payment.walletAddressId))
      // Rafiki finds the payment's wallet address first and answers an unknown payment 401 (wallet_address/middleware.ts).
      if (!payment || !wallet) {
        return sendFailure(
          reply,
          fail('rs_unknown_resource', 'no such outgoing payment', {
            description: 'Failed to get wallet address from outgoing payment',
            id: request.params.id
          })
        )
      }
      const auth = await resourceAuth.authorize(request, reply, {
        type: 'outgoing-payment',
        action: 'read',
        walletAddressUrl: u.walletAddress(wallet.name)
      })
      if (!auth) return reply
      if (!auth.all && payment.client !== auth.client) {
        return sendFailure(reply, fail('outgoing_payment_not_found', 'created by another client', { id: request.params.id }))
      }
      return reply.send(await outgoingPayments.toJson(payment, wallet))
    }
  )

  app.get('/outgoing-payment-grant', openApi.route('resource', '/outgoing-payment-grant', 'get'), async (request, reply) => {
    const auth = await resourceAuth.authorize(request, reply, { type: 'outgoing-payment', action: 'read', walletAddressUrl: undefined })
    if (!auth) return reply
    return reply.send(await outgoingPayments.grantSpentAmounts(auth.grant, auth.item as OutgoingAccess))
  })
}
