import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { parseDecimalAmount } from '@voces/platform'
import type { DisputeService } from './service.ts'
import { DISPUTE_DECISIONS, type DisputeDecision } from './model.ts'
import { disputeErrorStatus } from './errors.ts'
import { errorPages, page, redirect } from '../http/render.tsx'
import { commonErrorStatus } from '../http/errors.ts'
import { jobErrorStatus } from '../jobs/errors.ts'
import { body, list, str } from '../http/form.ts'
import { requireAdmin, requireUser } from '../http/guards.ts'
import { DecideDispute, DisputeList, OpenDispute } from './views/disputes.tsx'

const errorStatus = { ...commonErrorStatus, ...jobErrorStatus, ...disputeErrorStatus }
const errorPage = errorPages(errorStatus)
type Failure = keyof typeof errorStatus

export function disputeRoutes(app: FastifyInstance, deps: { disputes: DisputeService }): void {
  async function openPage(req: FastifyRequest<{ Params: { id: string } }>, reply: FastifyReply, error?: Failure, reason = '') {
    const user = requireUser(req, reply)
    if (!user) return reply
    const found = await deps.disputes.disputable(user, req.params.id)
    if (found === 'not_found') return errorPage(req, reply, found)
    return page(req, reply, { title: 'review.dispute.title', titleSlug: 'review.dispute.title', status: error ? errorStatus[error] : 200 }, (ctx) => (
      <OpenDispute ctx={ctx} job={found.job} submission={found.submission} allowed={found.allowed} reason={reason} error={error ? ctx.t(`errors.${error}`) : undefined} />
    ))
  }

  app.get<{ Params: { id: string } }>('/submissions/:id/dispute', (req, reply) => openPage(req, reply))

  app.post<{ Params: { id: string } }>('/submissions/:id/dispute', async (req, reply) => {
    const user = requireUser(req, reply)
    if (!user) return reply
    const reason = str(body(req), 'reason')
    const result = await deps.disputes.open(user, req.params.id, reason)
    if (result === 'dispute_reason_required') return openPage(req, reply, result, reason)
    if (typeof result === 'string') return errorPage(req, reply, result)
    req.log.info({ user: user.username, action: 'dispute_opened', dispute: result.id, submission: result.submissionId }, 'dispute')
    return redirect(reply, `/jobs/${result.jobId}`, 'dispute_opened')
  })

  app.get('/admin/disputes', async (req, reply) => {
    if (!requireAdmin(req, reply)) return reply
    const rows = await deps.disputes.list()
    return page(req, reply, { title: 'review.admin_title', titleSlug: 'review.admin_title' }, (ctx) => <DisputeList ctx={ctx} rows={rows} />)
  })

  async function decidePage(req: FastifyRequest<{ Params: { id: string } }>, reply: FastifyReply, error?: Failure, values?: { decision?: string; amount?: string }) {
    if (!requireAdmin(req, reply)) return reply
    const found = await deps.disputes.get(req.params.id)
    if (!found) return errorPage(req, reply, 'not_found')
    return page(req, reply, { title: 'review.dispute.decide_title', titleSlug: 'review.dispute.decide_title', status: error ? errorStatus[error] : 200 }, (ctx) => (
      <DecideDispute
        ctx={ctx}
        dispute={found.dispute}
        job={found.job}
        submission={found.submission}
        opener={found.opener.username}
        values={values}
        error={error ? ctx.t(`errors.${error}`) : undefined}
      />
    ))
  }

  app.get<{ Params: { id: string } }>('/admin/disputes/:id', (req, reply) => decidePage(req, reply))

  app.post<{ Params: { id: string } }>('/admin/disputes/:id/decide', async (req, reply) => {
    const admin = requireAdmin(req, reply)
    if (!admin) return reply
    const b = body(req)
    const decision = str(b, 'decision')
    const values = { decision, amount: str(b, 'amount') }
    if (!(DISPUTE_DECISIONS as readonly string[]).includes(decision)) return decidePage(req, reply, 'invalid_input', values)
    // Nothing moves unless the admin ticked that they understand what happens to the money.
    if (!list(b, 'confirm').includes('yes')) return decidePage(req, reply, 'confirm_required', values)
    const found = await deps.disputes.get(req.params.id)
    if (!found) return errorPage(req, reply, 'not_found')
    let split: bigint | null = null
    if (decision === 'split') {
      const parsed = parseDecimalAmount(values.amount, found.job.assetScale)
      if (typeof parsed === 'string') return decidePage(req, reply, 'invalid_split', values)
      split = parsed
    }
    const result = await deps.disputes.decide(admin, req.params.id, decision as DisputeDecision, split)
    if (result === 'invalid_split') return decidePage(req, reply, result, values)
    if (typeof result === 'string') return errorPage(req, reply, result)
    // Who decided what, in the admin log (the dispute row keeps it too).
    req.log.info(
      { admin: admin.username, action: 'dispute_decided', dispute: result.dispute.id, decision, toCreator: String(result.dispute.creatorAmount), job: result.job.id },
      'admin action'
    )
    return redirect(reply, `/admin/disputes/${result.dispute.id}`, 'dispute_decided')
  })
}
