import type { FastifyInstance } from 'fastify'
import { eq } from 'drizzle-orm'
import { Webhook } from 'standardwebhooks'
import type { FundingService } from './service.ts'
import type { JobService } from '../jobs/service.ts'
import type { PayoutService } from '../payouts/service.ts'
import { webhookDeliveries, FINAL_FUNDING_STATES } from './model.ts'
import type { Db } from '@voces/platform'
import { errorPage, redirect } from '../http/render.tsx'
import { requireUser } from '../http/guards.ts'
import { translator } from '../i18n/index.ts'

export function fundingRoutes(
  app: FastifyInstance,
  deps: { db: Db; fundings: FundingService; payouts: PayoutService; jobs: JobService; webhookSecret: string }
): void {
  /** "Get a quote": the intent is recorded, the payments service asked, the quote shown on the job page. */
  app.post<{ Params: { id: string } }>('/jobs/:id/funding', async (req, reply) => {
    const user = requireUser(req, reply)
    if (!user) return reply
    const job = await deps.jobs.getForViewer(user, req.params.id)
    if (job === 'not_found') return errorPage(req, reply, job)
    const result = await deps.fundings.start(user, job)
    if (typeof result === 'string') return errorPage(req, reply, result)
    return redirect(reply, `/jobs/${job.id}?funding=${result.id}#funding`)
  })

  /** Where the wallet sends the browser back: re-read the status, then show the job page. */
  app.get<{ Params: { id: string; fid: string } }>('/jobs/:id/funding/:fid/return', async (req, reply) => {
    const user = requireUser(req, reply)
    if (!user) return reply
    const funding = await deps.fundings.get(user, req.params.id, req.params.fid)
    if (funding === 'not_found') return errorPage(req, reply, funding)
    await deps.fundings.refresh(funding)
    return redirect(reply, `/jobs/${funding.jobId}?funding=${funding.id}#funding`)
  })

  /** The small JSON the job page polls for live status. */
  app.get<{ Params: { id: string; fid: string } }>('/jobs/:id/funding/:fid/status', async (req, reply) => {
    if (!req.user) return reply.status(404).send({ error: 'not_found' })
    const funding = await deps.fundings.get(req.user, req.params.id, req.params.fid)
    if (funding === 'not_found') return reply.status(404).send({ error: 'not_found' })
    const fresh = await deps.fundings.refresh(funding)
    return reply.header('cache-control', 'no-store').send({
      state: fresh.state,
      label: translator(req.lang)(`funding.states.${fresh.state}`),
      final: FINAL_FUNDING_STATES.includes(fresh.state),
      // The wallet reported a decline or a closed window: the page reloads to say so and offer a new start.
      walletResult: fresh.walletResult
    })
  })

  /**
   * Standard Webhooks from the payments service. The signature is checked over the raw body; the
   * payload is only a hint of what changed — the status is re-read from the payments service.
   */
  const webhook = new Webhook(deps.webhookSecret)
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
      await deps.fundings.refreshByPendingId(data.pendingId)
    } else if (type.startsWith('payout.')) {
      const payoutId = data.payoutId ?? data.id
      if (typeof payoutId === 'string') await deps.payouts.refresh(payoutId)
    }
    await deps.db.insert(webhookDeliveries).values({ id, type }).onConflictDoNothing()
    return reply.status(204).send()
  })
}
