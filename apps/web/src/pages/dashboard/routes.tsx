import type { FastifyInstance } from 'fastify'
import { page } from '../../http/render.tsx'
import { keepOffline } from '../../http/offline.ts'
import { requireUser } from '../../http/guards.ts'
import { HomeGrid } from './views/home.tsx'
import { OutboxPanel } from '../../outbox/views/outbox.tsx'
import { Money, MyApplications, MyJobs, PendingWork } from './views/lists.tsx'
import { createDashboardService } from './service.ts'
import type { JobService } from '../../jobs/service.ts'
import type { ApplicationService } from '../../applications/service.ts'
import type { SubmissionService } from '../../submissions/service.ts'
import type { PayoutService } from '../../payouts/service.ts'
import type { FundingService } from '../../funding/service.ts'
import { JOB_STATES, type JobState } from '../../jobs/model.ts'
import type { User } from '../../domain/user.ts'

export function dashboardRoutes(
  app: FastifyInstance,
  deps: { jobs: JobService; applications: ApplicationService; submissions: SubmissionService; payouts: PayoutService; fundings: FundingService }
): void {
  const dashboard = createDashboardService(deps)

  /** Numbers on the tiles: what waits for this person, readable without reading. */
  async function counts(user: User | null): Promise<Record<string, number>> {
    if (!user) return {}
    const [work, mine] = await Promise.all([user.isCreator ? dashboard.pendingWork(user.id) : [], user.isFunder ? deps.jobs.listByOwner(user.id) : null])
    const active = mine ? mine.counts.recruiting + mine.counts.selecting + mine.counts.submitting + mine.counts.reviewing : 0
    return { 'home.pending_work': work.length, 'home.my_jobs': active }
  }

  app.get('/', { config: { publicPage: true } }, async (req, reply) => {
    const c = await counts(req.user)
    keepOffline(reply)
    return page(req, reply, { title: 'home.title', titleSlug: 'home.title' }, (ctx) => <HomeGrid ctx={ctx} counts={c} />)
  })
  app.get('/dashboard', async (req, reply) => {
    const user = requireUser(req, reply)
    if (!user) return reply
    const c = await counts(user)
    keepOffline(reply)
    // What this phone keeps to send (public/outbox.js reads it from IndexedDB: the server cannot know it).
    return page(req, reply, { title: 'nav.dashboard', titleSlug: 'nav.dashboard' }, (ctx) => (
      <>
        <HomeGrid ctx={ctx} counts={c} />
        {user.isCreator ? <OutboxPanel ctx={ctx} /> : ''}
      </>
    ))
  })

  app.get<{ Querystring: { state?: string } }>('/dashboard/jobs', async (req, reply) => {
    const user = requireUser(req, reply)
    if (!user) return reply
    const state = (JOB_STATES as readonly string[]).includes(req.query.state ?? '') ? (req.query.state as JobState) : undefined
    const { jobs, counts } = await deps.jobs.listByOwner(user.id, state)
    return page(req, reply, { title: 'home.my_jobs', titleSlug: 'home.my_jobs' }, (ctx) => <MyJobs ctx={ctx} jobs={jobs} counts={counts} state={state} />)
  })

  app.get('/dashboard/applications', async (req, reply) => {
    const user = requireUser(req, reply)
    if (!user) return reply
    const [rows, submissions] = await Promise.all([deps.applications.listMine(user.id), deps.submissions.listMine(user.id)])
    const escrow = await deps.payouts.escrowStates(rows.map((r) => r.job))
    keepOffline(reply)
    return page(req, reply, { title: 'home.my_applications', titleSlug: 'home.my_applications' }, (ctx) => (
      <MyApplications ctx={ctx} rows={rows} submissions={submissions} escrow={escrow} />
    ))
  })

  app.get('/dashboard/work', async (req, reply) => {
    const user = requireUser(req, reply)
    if (!user) return reply
    const rows = await dashboard.pendingWork(user.id)
    const escrow = await deps.payouts.escrowStates(rows.map((r) => r.job))
    keepOffline(reply)
    return page(req, reply, { title: 'home.pending_work', titleSlug: 'home.pending_work' }, (ctx) => (
      <>
        <OutboxPanel ctx={ctx} />
        <PendingWork ctx={ctx} rows={rows} escrow={escrow} />
      </>
    ))
  })

  app.get('/dashboard/money', async (req, reply) => {
    const user = requireUser(req, reply)
    if (!user) return reply
    const mine = await dashboard.money(user.id)
    keepOffline(reply)
    return page(req, reply, { title: 'home.money', titleSlug: 'home.money' }, (ctx) => <Money ctx={ctx} lines={mine.lines} entries={mine.entries} />)
  })
}
