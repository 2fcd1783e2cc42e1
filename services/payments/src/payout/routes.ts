import type { FastifyInstance } from 'fastify'
import { isFailure } from '../errors.ts'
import { sendFailure } from '../http/errors.ts'
import { walletAddressInput } from '../input.ts'
import { jsonSchema, PayoutFeeQuoteResponse, PayoutGrantResponse, PayoutResponse } from '@voces/payments-contract'
import { amountView } from '../amount.ts'
import { bearer, decimalAmount, errorResponses, identifier, walletAddressUrl } from '../http/schemas.ts'
import type { PayoutService } from './service.ts'
import type { PayoutFixed } from './model.ts'
import { payoutGrantView, payoutView } from './view.ts'

export function registerPayoutRoutes(app: FastifyInstance, deps: { payouts: PayoutService }) {
  app.post<{ Params: { id: string }; Body: { debitLimit: string; interval?: string; returnUrl?: string } }>(
    '/sellers/:id/payout-grant',
    {
      schema: {
        summary: "Connect a seller's escrow wallet for payouts: returns the consent URL for its owner",
        tags: ['payouts'],
        security: bearer,
        params: { type: 'object', required: ['id'], properties: { id: identifier } },
        body: {
          type: 'object',
          required: ['debitLimit'],
          additionalProperties: false,
          properties: {
            debitLimit: decimalAmount,
            interval: { type: 'string', maxLength: 100, description: 'ISO 8601 repeating interval, e.g. R/2026-01-01T00:00:00Z/P1M' },
            returnUrl: { type: 'string', maxLength: 2048 }
          }
        },
        response: { 201: jsonSchema(PayoutGrantResponse), ...errorResponses }
      }
    },
    async (request, reply) => {
      const started = await deps.payouts.startGrant({ sellerId: request.params.id, ...request.body })
      if (isFailure(started)) return sendFailure(reply, started)
      const view = payoutGrantView(started.grant, started.consent)
      return reply.code(201).send({ success: true, redirectUrl: view.redirectUrl, payoutGrant: view } satisfies PayoutGrantResponse)
    }
  )

  app.post<{ Params: { id: string }; Body: { amount: string; fixed?: PayoutFixed } }>(
    '/sellers/:id/payout-fee',
    {
      schema: {
        summary: "What a payout of `amount` (fixed receive by default, or fixed send) would cost the seller's escrow in fees now (the escrow wallet's own quote, never paid)",
        tags: ['payouts'],
        security: bearer,
        params: { type: 'object', required: ['id'], properties: { id: identifier } },
        body: { type: 'object', required: ['amount'], additionalProperties: false, properties: { amount: decimalAmount, fixed: { type: 'string', enum: ['receive', 'send'] } } },
        response: { 200: jsonSchema(PayoutFeeQuoteResponse), ...errorResponses }
      }
    },
    async (request, reply) => {
      const q = await deps.payouts.quoteFee(request.params.id, request.body.amount, request.body.fixed ?? 'receive')
      if (isFailure(q)) return sendFailure(reply, q)
      const view = (v: bigint) => amountView(v, q.assetCode, q.assetScale)!
      return { success: true, receiveAmount: view(q.receive), debitAmount: view(q.debit), fee: view(q.debit - q.receive) } satisfies PayoutFeeQuoteResponse
    }
  )

  app.post<{ Body: { sellerId: string; receiverWalletAddressUrl: string; amount: string; fixed: 'receive' | 'send'; reference: string } }>(
    '/payouts',
    {
      schema: {
        summary: 'Pay a creator (or refund a funder) from escrow; `reference` is an idempotency key',
        tags: ['payouts'],
        security: bearer,
        body: {
          type: 'object',
          required: ['sellerId', 'receiverWalletAddressUrl', 'amount', 'fixed', 'reference'],
          additionalProperties: false,
          properties: { sellerId: identifier, receiverWalletAddressUrl: walletAddressUrl, amount: decimalAmount, fixed: { type: 'string', enum: ['receive', 'send'] }, reference: identifier }
        },
        response: { 200: jsonSchema(PayoutResponse), 201: jsonSchema(PayoutResponse), ...errorResponses }
      }
    },
    async (request, reply) => {
      const receiverWalletAddressUrl = walletAddressInput(request.body.receiverWalletAddressUrl)
      if (isFailure(receiverWalletAddressUrl)) return sendFailure(reply, receiverWalletAddressUrl)
      const result = await deps.payouts.create({ ...request.body, receiverWalletAddressUrl })
      if (isFailure(result)) return sendFailure(reply, result)
      return reply.code(result.created ? 201 : 200).send({ success: true, created: result.created, payout: payoutView(result.payout) } satisfies PayoutResponse)
    }
  )

  app.get<{ Params: { id: string } }>(
    '/payouts/:id',
    {
      schema: {
        summary: 'The status of a payout',
        tags: ['payouts'],
        security: bearer,
        params: { type: 'object', required: ['id'], properties: { id: identifier } },
        response: { 200: jsonSchema(PayoutResponse), ...errorResponses }
      }
    },
    async (request, reply) => {
      const payout = await deps.payouts.get(request.params.id)
      if (isFailure(payout)) return sendFailure(reply, payout)
      return { success: true, payout: payoutView(payout) } satisfies PayoutResponse
    }
  )

  app.post<{ Params: { id: string } }>(
    '/payouts/:id/reconcile',
    {
      schema: {
        summary: "Check a sent payout's money now (an operator's reconciliation): settles it if the wallets can tell",
        tags: ['payouts'],
        security: bearer,
        params: { type: 'object', required: ['id'], properties: { id: identifier } },
        response: { 200: jsonSchema(PayoutResponse), ...errorResponses }
      }
    },
    async (request, reply) => {
      const payout = await deps.payouts.reconcile(request.params.id)
      if (isFailure(payout)) return sendFailure(reply, payout)
      return { success: true, payout: payoutView(payout) } satisfies PayoutResponse
    }
  )
}
