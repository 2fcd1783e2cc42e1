import type { FastifyInstance } from 'fastify'
import { isFailure } from '../errors.ts'
import { sendFailure } from '../http/errors.ts'
import { walletAddressInput } from '../input.ts'
import { jsonSchema, PaymentHistoryResponse, PaymentStatusResponse, StartPaymentResponse } from '@voces/payments-contract'
import { bearer, decimalAmount, errorResponses, identifier, walletAddressUrl } from '../http/schemas.ts'
import type { FoundPayment, PaymentService } from './service.ts'
import { amountView } from '../amount.ts'
import { paymentFee, paymentView } from './view.ts'

function startView({ payment: p, consent, created }: FoundPayment & { created: boolean }): StartPaymentResponse {
  const debit = amountView(p.debitValue, p.debitAssetCode, p.debitAssetScale)
  const receive = amountView(p.receiveValue, p.assetCode, p.assetScale)
  const fee = paymentFee(p)
  return {
    success: true as const,
    created,
    redirectUrl: consent?.redirectUrl ?? null,
    paymentUrl: consent?.redirectUrl ?? null,
    pendingId: p.id,
    status: p.state,
    incomingPaymentId: p.incomingPaymentId,
    quoteId: p.quoteId,
    amount: amountView(p.amountValue, p.assetCode, p.assetScale)!.formatted,
    assetCode: p.assetCode,
    assetScale: p.assetScale,
    quote: { id: p.quoteId, debitAmount: debit, receiveAmount: receive, fee, expiresAt: p.quoteExpiresAt?.toISOString() ?? null },
    returnUrl: p.returnUrl,
    consentExpiresAt: p.consentExpiresAt?.toISOString() ?? null
  }
}

export function registerPaymentRoutes(app: FastifyInstance, deps: { payments: PaymentService }) {
  app.post<{ Params: { offerId: string }; Body: { sellerId: string; buyerWalletAddressUrl: string; amount: string; returnUrl?: string } }>(
    '/offers/:offerId/quotes/start',
    {
      schema: {
        summary: 'Start a payment: incoming payment, quote, and the buyer consent URL',
        tags: ['payments'],
        security: bearer,
        params: { type: 'object', required: ['offerId'], properties: { offerId: identifier } },
        body: {
          type: 'object',
          required: ['sellerId', 'buyerWalletAddressUrl', 'amount'],
          additionalProperties: false,
          properties: {
            sellerId: identifier,
            buyerWalletAddressUrl: walletAddressUrl,
            amount: decimalAmount,
            returnUrl: { type: 'string', maxLength: 2048, description: 'Where the browser goes after consent; must be on ALLOWED_RETURN_ORIGINS' }
          }
        },
        response: { 200: jsonSchema(StartPaymentResponse), 201: jsonSchema(StartPaymentResponse), ...errorResponses }
      }
    },
    async (request, reply) => {
      const buyerWalletAddressUrl = walletAddressInput(request.body.buyerWalletAddressUrl)
      if (isFailure(buyerWalletAddressUrl)) return sendFailure(reply, buyerWalletAddressUrl)
      const result = await deps.payments.start({ offerId: request.params.offerId, ...request.body, buyerWalletAddressUrl })
      if (isFailure(result)) return sendFailure(reply, result)
      return reply.code(result.created ? 201 : 200).send(startView(result))
    }
  )

  app.get<{ Params: { pendingId: string } }>(
    '/payments/:pendingId/status',
    {
      schema: {
        summary: 'The status of a payment',
        tags: ['payments'],
        security: bearer,
        params: { type: 'object', required: ['pendingId'], properties: { pendingId: identifier } },
        response: { 200: jsonSchema(PaymentStatusResponse), ...errorResponses }
      }
    },
    async (request, reply) => {
      const found = await deps.payments.get(request.params.pendingId)
      if (isFailure(found)) return sendFailure(reply, found)
      const view = paymentView(found.payment, found.consent)
      return { success: true, pendingId: view.pendingId, status: view.status, payment: view } satisfies PaymentStatusResponse
    }
  )

  app.post<{ Params: { pendingId: string } }>(
    '/payments/:pendingId/reconcile',
    {
      schema: {
        summary: "Check a sent payment's money now (an operator's reconciliation): settles it if the wallets can tell",
        tags: ['payments'],
        security: bearer,
        params: { type: 'object', required: ['pendingId'], properties: { pendingId: identifier } },
        response: { 200: jsonSchema(PaymentStatusResponse), ...errorResponses }
      }
    },
    async (request, reply) => {
      const found = await deps.payments.reconcile(request.params.pendingId)
      if (isFailure(found)) return sendFailure(reply, found)
      const view = paymentView(found.payment, found.consent)
      return { success: true, pendingId: view.pendingId, status: view.status, payment: view } satisfies PaymentStatusResponse
    }
  )

  app.get<{ Params: { offerId: string } }>(
    '/offers/:offerId/payments',
    {
      schema: {
        summary: 'Payment history of an offer, newest first',
        tags: ['payments'],
        security: bearer,
        params: { type: 'object', required: ['offerId'], properties: { offerId: identifier } },
        response: { 200: jsonSchema(PaymentHistoryResponse), ...errorResponses }
      }
    },
    async (request): Promise<PaymentHistoryResponse> => ({ success: true, payments: (await deps.payments.listByOffer(request.params.offerId)).map((f) => paymentView(f.payment, f.consent)) })
  )
}
