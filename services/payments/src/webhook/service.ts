import { randomUUID } from 'node:crypto'
import { and, desc, eq, sql } from 'drizzle-orm'
import { Webhook } from 'standardwebhooks'
import type { WebhookDelivery } from '@voces/payments-contract'
import { backoffMs, claimDue, type Clock, type Db, type Logger, type Tx } from '@voces/platform'
import { webhookDeliveries, webhookEvents, type WebhookEventRow, type WebhookEventType } from './model.ts'

export interface WebhookService {
  /** Writes an event to the outbox inside the caller's transaction, so it exists iff the state change does. */
  enqueue(tx: Tx, type: WebhookEventType, data: Record<string, unknown>): Promise<void>
  /** Delivers due events; returns how many were attempted. */
  deliverDue(): Promise<number>
  /** The delivery log, newest attempt first, with each event's type and whether it was delivered in the end. */
  listDeliveries(options: { limit: number }): Promise<WebhookDelivery[]>
}

export interface WebhookDeps {
  db: Db
  clock: Clock
  logger: Logger
  target?: { url: string; secret: string } | undefined
  leaseMs: number
  baseBackoffMs: number
  maxBackoffMs: number
  maxAttempts: number
  timeoutMs: number
  /** Called after an enqueue commits, to deliver promptly. */
  onEnqueued?: () => void
}

/**
 * Standard Webhooks delivery from a durable outbox: `webhook-id`, `webhook-timestamp`,
 * `webhook-signature` (HMAC-SHA256 with the `whsec_` secret). Each attempt is logged in
 * webhook_deliveries; failures are retried with exponential backoff. Payloads carry ids and
 * states only: receivers re-read the status rather than trusting them.
 */
export function createWebhookService(deps: WebhookDeps): WebhookService {
  const signer = deps.target ? new Webhook(deps.target.secret) : undefined
  const log = deps.logger.child({ component: 'webhooks' })

  async function deliver(event: WebhookEventRow) {
    const body = JSON.stringify({ type: event.type, timestamp: event.createdAt.toISOString(), data: event.payload })
    const now = new Date()
    const started = performance.now()
    let statusCode: number | null = null
    let error: string | null = null
    try {
      const response = await fetch(deps.target!.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'webhook-id': event.id,
          'webhook-timestamp': String(Math.floor(now.getTime() / 1000)),
          'webhook-signature': signer!.sign(event.id, now, body)
        },
        body,
        signal: AbortSignal.timeout(deps.timeoutMs)
      })
      statusCode = response.status
      await response.body?.cancel()
      if (!response.ok) error = `HTTP ${response.status}`
    } catch (e) {
      error = e instanceof Error ? e.message : String(e)
    }
    const attempt = event.attempts + 1
    const durationMs = Math.round(performance.now() - started)
    await deps.db.transaction(async (tx) => {
      await tx.insert(webhookDeliveries).values({ eventId: event.id, attempt, statusCode, error, durationMs })
      if (!error) {
        await tx.update(webhookEvents).set({ attempts: attempt, deliveredAt: new Date(), lastError: null }).where(eq(webhookEvents.id, event.id))
      } else {
        const giveUp = attempt >= deps.maxAttempts
        await tx
          .update(webhookEvents)
          .set({
            attempts: attempt,
            lastError: giveUp ? `gave up: ${error}` : error,
            // An event given up on stays in the outbox with its log, but is not tried again.
            nextAttemptAt: giveUp ? new Date('9999-01-01T00:00:00Z') : new Date(Date.now() + backoffMs(attempt - 1, deps.baseBackoffMs, deps.maxBackoffMs))
          })
          .where(and(eq(webhookEvents.id, event.id)))
      }
    })
    if (error) log.warn({ eventId: event.id, type: event.type, attempt, statusCode, error }, 'webhook delivery failed')
    else log.info({ eventId: event.id, type: event.type, attempt, statusCode, durationMs }, 'webhook delivered')
  }

  return {
    async enqueue(tx, type, data) {
      await tx.insert(webhookEvents).values({ id: `msg_${randomUUID()}`, type, payload: data })
      if (deps.onEnqueued) setImmediate(deps.onEnqueued)
    },
    async deliverDue() {
      if (!deps.target) return 0
      // Claim a batch with a lease, then deliver outside the transaction.
      const claimed = await claimDue(deps.db, webhookEvents, { ready: sql`delivered_at is null`, limit: 10, leaseMs: deps.leaseMs, now: deps.clock.now() })
      await Promise.all(claimed.map((event) => deliver(event)))
      return claimed.length
    },
    async listDeliveries({ limit }) {
      const rows = await deps.db
        .select({ d: webhookDeliveries, type: webhookEvents.type, deliveredAt: webhookEvents.deliveredAt })
        .from(webhookDeliveries)
        .innerJoin(webhookEvents, eq(webhookEvents.id, webhookDeliveries.eventId))
        .orderBy(desc(webhookDeliveries.id))
        .limit(limit)
      return rows.map(({ d, type, deliveredAt }) => ({
        id: d.id,
        eventId: d.eventId,
        type,
        attempt: d.attempt,
        statusCode: d.statusCode,
        error: d.error,
        durationMs: d.durationMs,
        createdAt: new Date(d.createdAt).toISOString(),
        eventDeliveredAt: deliveredAt ? new Date(deliveredAt).toISOString() : null
      }))
    }
  }
}
