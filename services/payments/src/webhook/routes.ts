import type { FastifyInstance } from 'fastify'
import { jsonSchema, WebhookDeliveriesResponse } from '@voces/payments-contract'
import { bearer, errorResponses } from '../http/schemas.ts'
import type { WebhookService } from './service.ts'

export function registerWebhookRoutes(app: FastifyInstance, deps: { webhooks: WebhookService }) {
  app.get<{ Querystring: { limit?: number } }>(
    '/webhook-deliveries',
    {
      schema: {
        summary: 'The webhook delivery log (every attempt), newest first, for operators',
        tags: ['webhooks'],
        security: bearer,
        querystring: { type: 'object', additionalProperties: false, properties: { limit: { type: 'integer', minimum: 1, maximum: 500, default: 100 } } },
        response: { 200: jsonSchema(WebhookDeliveriesResponse), ...errorResponses }
      }
    },
    async (request) => ({ success: true, deliveries: await deps.webhooks.listDeliveries({ limit: request.query.limit ?? 100 }) })
  )
}
