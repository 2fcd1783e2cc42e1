import type { FastifyInstance } from 'fastify'
import type { PayoutService } from './service.ts'
import { errorPages, redirect } from '../http/render.tsx'
import { commonErrorStatus } from '../http/errors.ts'
import { jobErrorStatus } from '../jobs/errors.ts'
import { requireUser } from '../http/guards.ts'

const errorPage = errorPages({ ...commonErrorStatus, ...jobErrorStatus })

export function payoutRoutes(app: FastifyInstance, deps: { payouts: PayoutService }): void {
  app.post<{ Params: { id: string } }>('/payouts/:id/retry', async (req, reply) => {
    const user = requireUser(req, reply)
    if (!user) return reply
    const result = await deps.payouts.retry(user, req.params.id)
    if (typeof result === 'string') return errorPage(req, reply, result)
    return redirect(reply, `/jobs/${result.jobId}`, 'retried')
  })
}
