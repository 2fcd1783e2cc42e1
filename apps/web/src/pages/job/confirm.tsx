import type { FastifyInstance } from 'fastify'
import type { JobService } from '../../jobs/service.ts'
import type { PayoutService } from '../../payouts/service.ts'
import { ACTIVE_STATES } from '../../jobs/model.ts'
import { errorPage, page } from '../../http/render.tsx'
import { requireUser } from '../../http/guards.ts'
import { ConfirmForm } from '../../views/confirm.tsx'
import { money } from '../../domain/money.ts'

/**
 * Confirmation pages (GET) before canceling or completing a job: both close it and refund to the funder
 * what escrow holds beyond the payouts owed, which the wallets charge a fee on. The POST does it
 * (jobs/routes.tsx).
 */
export function jobConfirmRoutes(app: FastifyInstance, deps: { jobs: JobService; payouts: PayoutService }): void {
  for (const action of ['cancel', 'complete'] as const) {
    app.get<{ Params: { id: string } }>(`/jobs/:id/${action}`, async (req, reply) => {
      const user = requireUser(req, reply)
      if (!user) return reply
      const job = await deps.jobs.getForViewer(user, req.params.id)
      if (job === 'not_found' || (job.ownerId !== user.id && !user.isAdmin)) return errorPage(req, reply, 'not_found')
      const open = action === 'cancel' ? job.state === 'draft' || ACTIVE_STATES.includes(job.state) : job.state === 'submitting' || job.state === 'reviewing'
      const ledger = await deps.payouts.ledger(job)
      const refund = ledger.available > 0n ? ledger.available : 0n
      return page(req, reply, { title: `review.title.${action}`, titleSlug: `review.title.${action}` }, (ctx) => {
        const amount = (v: bigint) => money(v, job.assetCode, job.assetScale, ctx.lang)
        return (
          <div class="stack">
          <p>
            <a href={`/jobs/${job.id}`} safe>
              {job.title}
            </a>
          </p>
          {open ? (
            <ConfirmForm
              ctx={ctx}
              action={`/jobs/${job.id}/${action}`}
              money={ctx.t(refund > 0n ? `review.money.${action}` : `review.money.${action}_nothing`, { refund: amount(refund), held: amount(ledger.held) })}
              moneySlug={refund > 0n ? `review.money.${action}` : `review.money.${action}_nothing`}
              button={ctx.t(`jobs.${action}`)}
              buttonSlug={`jobs.${action}`}
              back={`/jobs/${job.id}`}
              kind={action === 'cancel' ? 'danger' : 'primary'}
            />
          ) : (
            <p class="alert error" role="alert" safe>
              {ctx.t('errors.invalid_state')}
            </p>
          )}
          </div>
        )
      })
    })
  }
}
