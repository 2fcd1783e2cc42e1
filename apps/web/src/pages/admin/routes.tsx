import type { FastifyInstance, FastifyReply } from 'fastify'
import type { AdminService } from './service.ts'
import { page, redirect } from '../../http/render.tsx'
import { requireAdmin } from '../../http/guards.ts'
import { body, str } from '../../http/form.ts'
import { JOB_STATES, type JobState } from '../../jobs/model.ts'
import { AdminOverview } from './views/overview.tsx'
import { AdminUsers } from './views/users.tsx'
import { AdminJobs } from './views/jobs.tsx'
import { AdminMoney } from './views/money.tsx'
import { AdminWebhooks } from './views/webhooks.tsx'
import { ConfirmForm } from '../../views/confirm.tsx'

const DECIMAL = /^\d{1,15}(\.\d{1,9})?$/
const INTERVAL = /^R\d*\/[0-9T:.Z+-]+\/P[0-9YMWDTHS.]+$/

function pageNumber(v: string | undefined): number {
  const n = Number.parseInt(v ?? '0', 10)
  return Number.isFinite(n) && n > 0 && n < 10_000 ? n : 0
}

function done(reply: FastifyReply, to: string, notice: string): FastifyReply {
  return reply.redirect(`${to}${to.includes('?') ? '&' : '?'}done=${notice}`, 303)
}

/**
 * The operators' area. Every route answers 404 to anyone but an enabled admin (requireAdmin), so it
 * does not reveal itself; every change is a POST with the CSRF token (the app-wide hook).
 */
export function adminRoutes(app: FastifyInstance, deps: { admin: AdminService; assetCode: string; baseUrl: () => string }): void {
  app.get<{ Querystring: { done?: string } }>('/admin', async (req, reply) => {
    if (!requireAdmin(req, reply)) return reply
    return page(req, reply, { title: 'admin.title', titleSlug: 'admin.title' }, (ctx) => <AdminOverview ctx={ctx} done={req.query.done} assetCode={deps.assetCode} />)
  })

  /** Connect the escrow wallet for payouts: the payments service returns the wallet's consent URL, shown as a link. */
  app.post('/admin/escrow/connect', async (req, reply) => {
    const admin = requireAdmin(req, reply)
    if (!admin) return reply
    const b = body(req)
    const debitLimit = str(b, 'debitLimit').trim()
    const interval = str(b, 'interval').trim()
    if (!DECIMAL.test(debitLimit) || /^0*(\.0*)?$/.test(debitLimit) || (interval && !INTERVAL.test(interval))) return done(reply, '/admin', 'invalid_limit')
    const result = await deps.admin.startPayoutGrant({ debitLimit, interval: interval || undefined, returnUrl: `${deps.baseUrl()}/admin/escrow/return` })
    if (!result.ok) {
      req.log.warn({ error: result.error, message: result.message }, 'payout grant start failed')
      return done(reply, '/admin', result.error === 'rejected' ? 'grant_failed' : 'grant_unavailable')
    }
    req.log.info({ admin: admin.username, action: 'payout_grant_started', debitLimit, interval: interval || undefined }, 'admin action')
    // A link, not a redirect: the page's CSP (form-action 'self') rightly stops a form from landing on another site.
    return page(req, reply, { title: 'admin.title', titleSlug: 'admin.title' }, (ctx) => (
      <AdminOverview ctx={ctx} done={undefined} assetCode={deps.assetCode} consentUrl={result.value.redirectUrl} />
    ))
  })

  /** The wallet owner's browser comes back here through the payments service: ?payoutGrant=<id>&status=<state>. */
  app.get<{ Querystring: { status?: string } }>('/admin/escrow/return', async (req, reply) => {
    if (!requireAdmin(req, reply)) return reply
    return done(reply, '/admin', req.query.status === 'active' || req.query.status === 'approved' ? 'grant_approved' : 'grant_failed')
  })

  app.get<{ Querystring: { q?: string; page?: string; done?: string } }>('/admin/users', async (req, reply) => {
    if (!requireAdmin(req, reply)) return reply
    const q = (req.query.q ?? '').slice(0, 100)
    const p = pageNumber(req.query.page)
    const { users, hasMore } = await deps.admin.listUsers({ q, page: p })
    return page(req, reply, { title: 'admin.users.title', titleSlug: 'admin.users.title' }, (ctx) => (
      <AdminUsers ctx={ctx} users={users} q={q} page={p} hasMore={hasMore} done={req.query.done} />
    ))
  })

  app.post<{ Params: { id: string } }>('/admin/users/:id/role', async (req, reply) => {
    const admin = requireAdmin(req, reply)
    if (!admin) return reply
    const role = str(body(req), `role-${req.params.id}`)
    const result = await deps.admin.setRole(req.params.id, role)
    if (typeof result === 'string') return redirect(reply, '/admin/users')
    req.log.info({ admin: admin.username, action: 'role_set', user: result.username, role }, 'admin action')
    return done(reply, `/admin/users?q=${encodeURIComponent(result.username)}`, 'saved')
  })

  // Disabling asks first (a confirmation page, works without JavaScript); enabling undoes it.
  app.get<{ Params: { id: string } }>('/admin/users/:id/disable', async (req, reply) => {
    if (!requireAdmin(req, reply)) return reply
    const user = await deps.admin.getUser(req.params.id)
    if (!user) return redirect(reply, '/admin/users')
    return page(req, reply, { title: 'review.title.disable', titleSlug: 'review.title.disable' }, (ctx) => (
      <ConfirmForm
        ctx={ctx}
        action={`/admin/users/${user.id}/disable`}
        money={ctx.t('review.money.disable', { name: `@${user.username}` })}
        moneySlug="review.money.disable"
        button={ctx.t('admin.users.disable')}
        buttonSlug="admin.users.disable"
        back={`/admin/users?q=${encodeURIComponent(user.username)}`}
        kind="danger"
      />
    ))
  })

  for (const action of ['disable', 'enable'] as const) {
    app.post<{ Params: { id: string } }>(`/admin/users/:id/${action}`, async (req, reply) => {
      const admin = requireAdmin(req, reply)
      if (!admin) return reply
      const result = await deps.admin.setDisabled(admin, req.params.id, action === 'disable')
      if (result === 'own_account') return done(reply, '/admin/users', 'own_account')
      if (typeof result === 'string') return redirect(reply, '/admin/users')
      // Who changed what, in the logs (there is no audit table yet).
      req.log.info({ admin: admin.username, action: `user_${action}d`, user: result.username }, 'admin action')
      return done(reply, `/admin/users?q=${encodeURIComponent(result.username)}`, action === 'disable' ? 'disabled' : 'enabled')
    })
  }

  app.get<{ Querystring: { state?: string; page?: string } }>('/admin/jobs', async (req, reply) => {
    if (!requireAdmin(req, reply)) return reply
    const state = (JOB_STATES as readonly string[]).includes(req.query.state ?? '') ? (req.query.state as JobState) : undefined
    const p = pageNumber(req.query.page)
    const { rows, hasMore, counts } = await deps.admin.listJobs(state, p)
    return page(req, reply, { title: 'admin.jobs.title', titleSlug: 'admin.jobs.title' }, (ctx) => (
      <AdminJobs ctx={ctx} rows={rows} counts={counts} state={state} page={p} hasMore={hasMore} />
    ))
  })

  app.get<{ Querystring: { done?: string } }>('/admin/money', async (req, reply) => {
    if (!requireAdmin(req, reply)) return reply
    const m = await deps.admin.money()
    return page(req, reply, { title: 'admin.money.title', titleSlug: 'admin.money.title' }, (ctx) => <AdminMoney ctx={ctx} done={req.query.done} {...m} />)
  })

  /**
   * "Check again now" on a payment or payout the wallets have not settled in time: the payments service
   * checks the wallets at once (its reconcile route) and settles what it can; logged like every admin action.
   */
  for (const kind of ['fundings', 'payouts'] as const) {
    app.post<{ Params: { id: string } }>(`/admin/${kind}/:id/reconcile`, async (req, reply) => {
      const admin = requireAdmin(req, reply)
      if (!admin) return reply
      const result = kind === 'fundings' ? await deps.admin.reconcileFunding(req.params.id) : await deps.admin.reconcilePayout(req.params.id)
      if (result === 'not_found') return redirect(reply, '/admin/money')
      if (result === 'payments_unavailable') {
        req.log.warn({ admin: admin.username, action: 'reconcile', kind, id: req.params.id }, 'reconcile: payments service unavailable')
        return done(reply, '/admin/money', 'reconcile_unavailable')
      }
      req.log.info({ admin: admin.username, action: `${kind === 'fundings' ? 'payment' : 'payout'}_reconciled`, id: result.id, state: result.state }, 'admin action')
      return done(reply, '/admin/money', result.state === 'needs_review' || result.state === 'unknown' ? 'still_in_review' : 'reconciled')
    })
  }

  app.get('/admin/webhooks', async (req, reply) => {
    if (!requireAdmin(req, reply)) return reply
    const w = await deps.admin.webhooks()
    return page(req, reply, { title: 'admin.webhooks.title', titleSlug: 'admin.webhooks.title' }, (ctx) => <AdminWebhooks ctx={ctx} {...w} />)
  })
}
