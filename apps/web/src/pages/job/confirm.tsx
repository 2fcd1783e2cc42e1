import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { JobService } from '../../jobs/service.ts'
import type { Job } from '../../jobs/model.ts'
import type { PayoutService } from '../../payouts/service.ts'
import type { UserService } from '../../users/service.ts'
import { ACTIVE_STATES } from '../../jobs/model.ts'
import { errorPage, page } from '../../http/render.tsx'
import { requireUser } from '../../http/guards.ts'
import { ConfirmForm } from '../../views/confirm.tsx'
import type { ViewCtx } from '../../views/context.ts'
import { money } from '../../domain/money.ts'

/** A refund quoted before it is made: its own fee (the escrow wallet's fixed-send quote) and, if known, the funder's wallet asset. */
interface RefundQuote {
  refund: bigint
  fee: bigint | null
  walletAsset: { assetCode: string; assetScale: number } | null
}

/**
 * What a refund will cost and deliver, in words: the escrow wallet keeps its fee and the rest arrives
 * (converted, when the funder's wallet is in another asset); a fee that could not be quoted is said so.
 */
function refundFeeText(ctx: ViewCtx, job: Job, q: RefundQuote): string {
  const amount = (v: bigint) => money(v, job.assetCode, job.assetScale, ctx.lang)
  // A fee as large as the refund leaves nothing to say arrives: said as a fee that could not be known.
  if (q.fee === null || q.fee >= q.refund) return ctx.t('review.money.refund_fee_unknown')
  const other = q.walletAsset && (q.walletAsset.assetCode !== job.assetCode || q.walletAsset.assetScale !== job.assetScale)
  const params = { fee: amount(q.fee), arrives: amount(q.refund - q.fee), asset: q.walletAsset?.assetCode ?? '' }
  return ctx.t(other ? 'review.money.refund_fee_converted' : 'review.money.refund_fee', params)
}

/**
 * Confirmation pages (GET) before canceling or completing a job: both close it and refund to the funder
 * what escrow holds beyond the payouts owed. The refund is fixed send, so its own fee comes out of it:
 * the page quotes that fee first (as the funding quotes the payout fee reserve) and says what arrives.
 * The POST does it (jobs/routes.tsx).
 */
/** Per person (the session is read before the rate limit's hook). */
const QUOTES_PER_PERSON = { max: 30, timeWindow: '1 minute', keyGenerator: (req: FastifyRequest) => req.user?.id ?? req.ip }

export function jobConfirmRoutes(app: FastifyInstance, deps: { jobs: JobService; payouts: PayoutService; users: UserService }): void {
  for (const action of ['cancel', 'complete'] as const) {
    // Each view asks the escrow wallet for a quote: a person reloading in a loop must not flood it.
    app.get<{ Params: { id: string } }>(`/jobs/:id/${action}`, { config: { rateLimit: QUOTES_PER_PERSON } }, async (req, reply) => {
      const user = requireUser(req, reply)
      if (!user) return reply
      const job = await deps.jobs.getForViewer(user, req.params.id)
      if (job === 'not_found' || (job.ownerId !== user.id && !user.isAdmin)) return errorPage(req, reply, 'not_found')
      const open = action === 'cancel' ? job.state === 'draft' || ACTIVE_STATES.includes(job.state) : job.state === 'submitting' || job.state === 'reviewing'
      const ledger = await deps.payouts.ledger(job)
      const refund = ledger.available > 0n ? ledger.available : 0n
      let quote: RefundQuote | null = null
      if (open && refund > 0n) {
        const funder = job.ownerId === user.id ? user : await deps.users.get(job.ownerId)
        const [fee, walletAsset] = await Promise.all([deps.payouts.payoutFee(job, refund, 'send'), funder?.walletAddress ? deps.users.walletAsset(funder.walletAddress, { fresh: true }) : null])
        quote = { refund, fee, walletAsset }
      }
      const key = quote ? `review.money.${action}` : `review.money.${action}_nothing`
      return page(req, reply, { title: `review.title.${action}`, titleSlug: `review.title.${action}` }, (ctx) => (
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
              money={ctx.t(key, {
                refund: money(refund, job.assetCode, job.assetScale, ctx.lang),
                held: money(ledger.held, job.assetCode, job.assetScale, ctx.lang),
                fee: quote ? refundFeeText(ctx, job, quote) : ''
              })}
              moneySlug={key}
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
      ))
    })
  }
}
