import type { FastifyInstance } from 'fastify'
import type { FundingService } from './service.ts'
import type { JobService } from '../jobs/service.ts'
import { FINAL_FUNDING_STATES } from './model.ts'
import { errorPages, redirect } from '../http/render.tsx'
import { commonErrorStatus } from '../http/errors.ts'
import { paymentsErrorStatus } from '../payments-client/errors.ts'
import { jobErrorStatus } from '../jobs/errors.ts'
import { fundingErrorStatus } from './errors.ts'
import { requireUser } from '../http/guards.ts'
import { translator } from '../i18n/index.ts'

const errorPage = errorPages({ ...commonErrorStatus, ...paymentsErrorStatus, ...jobErrorStatus, ...fundingErrorStatus })

/** Funding a job from the owner's wallet: start (or try again), the wallet's return, the live status. */
export function fundingRoutes(app: FastifyInstance, deps: { fundings: FundingService; jobs: JobService }): void {
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
}
