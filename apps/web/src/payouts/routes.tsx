import type { FastifyInstance } from 'fastify'
import type { PayoutService } from './service.ts'
import { errorPage, redirect } from '../http/render.tsx'
import { requireUser } from '../http/guards.ts'

export function payoutRoutes(app: FastifyInstance, deps: { payouts: PayoutService }): void {
  app.post<{ Params: { id: string } }>('/payouts/:id/retry', async (req, reply) => {
    const user = requireUser(req, reply)
    if (!user) return reply
    const result = await deps.payouts.retry(user, req.params.id)
    if (typeof result === 'string') return errorPage(req, reply, result)
    return redirect(reply, `/jobs/${result.jobId}`, 'retried')
  })
}
