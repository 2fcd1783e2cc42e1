import type { FastifyInstance } from 'fastify'
import { eq } from 'drizzle-orm'
import { Webhook } from 'standardwebhooks'
import type { Db } from '@voces/platform'
import { webhookDeliveries } from './model.ts'

export interface WebhookDeps {
  db: Db
  /** The payments service's signing secret (Standard Webhooks, `whsec_…`). */
  secret: string
  /** A funder's payment changed: re-read it (funding). */
  onPayment: (pendingId: string) => Promise<void>
  /** A payout or refund changed: re-read it (payouts). */
  onPayout: (payoutId: string) => Promise<void>
}

/**
 * Standard Webhooks from the payments service, received beside the client that calls it. The
 * signature is checked over the raw body; the payload is only a hint of what changed — the features
 * re-read the status from the payments service. Each delivery id is processed once.
 */
export function webhookRoutes(app: FastifyInstance, deps: WebhookDeps): void {
  const webhook = new Webhook(deps.secret)
  app.post('/webhooks/payments', { config: { skipCsrf: true } }, async (req, reply) => {
    const raw = typeof req.body === 'string' ? req.body : ''
    let event: { type?: string; data?: Record<string, unknown> }
    try {
      event = webhook.verify(raw, {
        'webhook-id': String(req.headers['webhook-id'] ?? ''),
        'webhook-timestamp': String(req.headers['webhook-timestamp'] ?? ''),
        'webhook-signature': String(req.headers['webhook-signature'] ?? '')
      }) as typeof event
    } catch {
      return reply.status(401).send({ error: 'invalid_signature' })
    }
    const id = String(req.headers['webhook-id'])
    const type = String(event.type ?? '')
    const [seen] = await deps.db.select().from(webhookDeliveries).where(eq(webhookDeliveries.id, id))
    if (seen) return reply.status(204).send()
    const data = event.data ?? {}
    // Processing re-reads state and is idempotent, so it runs before the delivery is recorded.
    if (type.startsWith('payment.') && typeof data.pendingId === 'string') {
      await deps.onPayment(data.pendingId)
    } else if (type.startsWith('payout.')) {
      const payoutId = data.payoutId ?? data.id
      if (typeof payoutId === 'string') await deps.onPayout(payoutId)
    }
    await deps.db.insert(webhookDeliveries).values({ id, type }).onConflictDoNothing()
    return reply.status(204).send()
  })
}
