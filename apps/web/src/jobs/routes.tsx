import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { JobInput, JobService } from './service.ts'
import { toDateInput } from './service.ts'
import { formatMinorUnits } from '@voces/platform'
import type { Job, DeliverableType } from './model.ts'
import type { Language, User } from '../users/model.ts'
import type { MediaService } from '../media/service.ts'
import type { ApplicationService } from '../applications/service.ts'
import type { SubmissionService } from '../submissions/service.ts'
import type { FundingService } from '../payments/service.ts'
import type { PayoutService } from '../payouts/service.ts'
import { errorPage, page, redirect } from '../http/render.tsx'
import { body, file, list, str, type FormBody } from '../http/form.ts'
import { isAppError } from '../http/errors.ts'
import { requireUser } from '../http/guards.ts'
import { JobForm } from './views/job-form.tsx'
import { Browse } from './views/browse.tsx'
import { JobPage, type CreatorData, type OwnerData } from './views/job-page.tsx'

export interface JobRouteDeps {
  jobs: JobService
  media: MediaService
  applications: ApplicationService
  submissions: SubmissionService
  fundings: FundingService
  payouts: PayoutService
  assetCode: string
}

const DAY = 86_400_000

function readInput(b: FormBody): JobInput {
  const int = (k: string) => Number.parseInt(str(b, k), 10)
  return {
    title: str(b, 'title'),
    description: str(b, 'description'),
    language: str(b, 'language') as Language,
    dialect: str(b, 'dialect'),
    deliverableTypes: list(b, 'deliverableTypes') as DeliverableType[],
    amount: str(b, 'amount'),
    maxResponses: int('maxResponses'),
    recruitLimit: int('recruitLimit'),
    recruitDeadline: str(b, 'recruitDeadline'),
    submitLimit: int('submitLimit'),
    submitDays: int('submitDays'),
    expiresAt: str(b, 'expiresAt')
  }
}

function defaults(user: User): JobInput {
  const d = user.jobDefaults
  const people = d.maxResponses ?? 3
  return {
    title: '',
    description: '',
    language: d.language ?? 'nah',
    dialect: '',
    deliverableTypes: d.deliverableTypes?.length ? (d.deliverableTypes as DeliverableType[]) : ['audio'],
    amount: d.amount ?? '10.00',
    maxResponses: people,
    recruitLimit: people * 2,
    recruitDeadline: toDateInput(new Date(Date.now() + 7 * DAY)),
    submitLimit: people,
    submitDays: 7,
    expiresAt: toDateInput(new Date(Date.now() + 30 * DAY))
  }
}

function fromJob(job: Job): JobInput {
  return {
    title: job.title,
    description: job.description,
    language: job.language,
    dialect: job.dialect,
    deliverableTypes: job.deliverableTypes,
    amount: formatMinorUnits(job.amountPerPerson, job.assetScale),
    maxResponses: job.maxResponses,
    recruitLimit: job.recruitLimit,
    recruitDeadline: toDateInput(job.recruitDeadline),
    submitLimit: job.submitLimit,
    submitDays: job.submitDays,
    expiresAt: toDateInput(job.expiresAt)
  }
}

export function jobRoutes(app: FastifyInstance, deps: JobRouteDeps): void {
  const { jobs } = deps

  async function withReference(req: FastifyRequest, reply: FastifyReply, user: User, b: FormBody, input: JobInput): Promise<JobInput | null> {
    const bytes = file(b, 'reference')
    if (!bytes) return input
    const stored = await deps.media.storeAny({ owner: user, purpose: 'job_reference', bytes })
    if (isAppError(stored)) {
      await errorPage(req, reply, stored)
      return null
    }
    return { ...input, referenceMediaId: stored.id }
  }

  app.get<{ Querystring: Record<string, string | string[] | undefined> }>('/jobs', async (req, reply) => {
    const q = req.query
    const one = (k: string) => (Array.isArray(q[k]) ? q[k][0] : q[k]) ?? ''
    const flags = Array.isArray(q.flags) ? q.flags : q.flags ? [q.flags] : []
    const filter = {
      language: one('language').slice(0, 10),
      q: one('q').slice(0, 100),
      hideApplied: flags.includes('hideApplied') || one('hideApplied') === '1',
      soon: flags.includes('soon') || one('soon') === '1',
      page: Math.min(10_000, Math.max(1, Number.parseInt(one('page'), 10) || 1))
    }
    const result = await jobs.browse(req.user, filter)
    return page(req, reply, { title: 'browse.title', titleSlug: 'browse.title' }, (ctx) => (
      <Browse ctx={ctx} filter={filter} jobs={result.jobs} soon={(j) => jobs.isDeadlineSoon(j)} page={result.page} pages={result.pages} hasNext={result.hasNext} total={result.total} totalCapped={result.totalCapped} />
    ))
  })

  app.get('/jobs/new', async (req, reply) => {
    const user = requireUser(req, reply)
    if (!user) return reply
    return page(req, reply, { title: 'jobs.new_title', titleSlug: 'jobs.new_title' }, (ctx) => (
      <JobForm assetCode={deps.assetCode} ctx={ctx} action="/jobs" values={defaults(user)} canSaveDraft />
    ))
  })

  app.post('/jobs', async (req, reply) => {
    const user = requireUser(req, reply)
    if (!user) return reply
    const b = body(req)
    const input = await withReference(req, reply, user, b, readInput(b))
    if (!input) return reply
    const publish = str(b, 'action') !== 'draft'
    const result = await jobs.create(user, input, publish)
    if (isAppError(result)) {
      await deps.media.remove([input.referenceMediaId])
      return page(req, reply, { title: 'jobs.new_title', titleSlug: 'jobs.new_title', status: 422 }, (ctx) => (
        <JobForm assetCode={deps.assetCode} ctx={ctx} action="/jobs" values={input} error={ctx.t(`errors.${result}`)} canSaveDraft />
      ))
    }
    return redirect(reply, `/jobs/${result.id}`, publish ? 'published' : 'draft_saved')
  })

  app.get<{ Params: { id: string } }>('/jobs/:id', async (req, reply) => {
    const job = await jobs.getForViewer(req.user, req.params.id)
    if (job === 'not_found') return errorPage(req, reply, job)
    const user = req.user
    let owner: OwnerData | null = null
    let creator: CreatorData | null = null
    if (user && (user.id === job.ownerId || user.isAdmin)) {
      const open = await deps.fundings.openFor(job.id)
      const refreshed = open ? await deps.fundings.refresh(open) : null
      const [applications, submissions, history, budgetLeft, ledger, payouts] = await Promise.all([
        deps.applications.listForJob(job),
        deps.submissions.listForJob(job),
        deps.fundings.history(job.id),
        deps.fundings.budgetLeft(job),
        deps.payouts.ledger(job),
        deps.payouts.listForJob(job.id)
      ])
      // Back from the wallet (?funding=<id>), the payment's outcome stays on show even once final.
      const shown = (req.query as Record<string, unknown>).funding
      const openFunding = refreshed ?? history.find((f) => f.id === shown) ?? null
      owner = { applications, submissions, history, budgetLeft, ledger, payouts, openFunding }
    } else if (user) {
      const application = await deps.applications.getMine(user.id, job.id)
      const submission = application ? await deps.submissions.getMine(user.id, job.id) : null
      const [payout] = submission ? await deps.payouts.forSubmissions([submission.id]) : []
      creator = { application, submission, payout }
    }
    // Creators see whether the money is really in escrow before they work.
    const funded = owner ? owner.ledger.funded : (await deps.payouts.ledger(job)).funded
    const reference = job.referenceMediaId ? await deps.media.get(job.referenceMediaId) : null
    return page(req, reply, { title: job.title, titleSlug: `job.${job.id}.title`, rawTitle: true }, (ctx) => (
      <JobPage ctx={ctx} job={job} soon={jobs.isDeadlineSoon(job)} funded={funded} reference={reference} owner={owner} creator={creator} />
    ))
  })

  app.get<{ Params: { id: string } }>('/jobs/:id/edit', async (req, reply) => {
    const user = requireUser(req, reply)
    if (!user) return reply
    const job = await jobs.getForViewer(user, req.params.id)
    if (job === 'not_found' || job.ownerId !== user.id) return errorPage(req, reply, 'not_found')
    if (job.state !== 'draft' && job.state !== 'recruiting') return errorPage(req, reply, 'invalid_state')
    return page(req, reply, { title: 'jobs.edit_title', titleSlug: 'jobs.edit_title' }, (ctx) => (
      <JobForm assetCode={deps.assetCode} ctx={ctx} action={`/jobs/${job.id}/edit`} values={fromJob(job)} canSaveDraft={job.state === 'draft'} />
    ))
  })

  app.post<{ Params: { id: string } }>('/jobs/:id/edit', async (req, reply) => {
    const user = requireUser(req, reply)
    if (!user) return reply
    const b = body(req)
    const input = await withReference(req, reply, user, b, readInput(b))
    if (!input) return reply
    const publish = str(b, 'action') !== 'draft'
    const result = await jobs.update(user, req.params.id, input, publish)
    if (isAppError(result)) await deps.media.remove([input.referenceMediaId])
    if (result === 'not_found' || result === 'invalid_state') return errorPage(req, reply, result)
    if (isAppError(result)) {
      return page(req, reply, { title: 'jobs.edit_title', titleSlug: 'jobs.edit_title', status: 422 }, (ctx) => (
        <JobForm assetCode={deps.assetCode} ctx={ctx} action={`/jobs/${req.params.id}/edit`} values={input} error={ctx.t(`errors.${result}`)} canSaveDraft />
      ))
    }
    return redirect(reply, `/jobs/${result.id}`, result.state === 'draft' ? 'draft_saved' : 'saved')
  })

  const action = (path: string, run: (user: User, id: string) => Promise<Job | string>, notice: string, to: (job: Job) => string = (j) => `/jobs/${j.id}`) => {
    app.post<{ Params: { id: string } }>(`/jobs/:id/${path}`, async (req, reply) => {
      const user = requireUser(req, reply)
      if (!user) return reply
      const result = await run(user, req.params.id)
      if (typeof result === 'string') return errorPage(req, reply, isAppError(result) ? result : 'internal')
      return redirect(reply, to(result), notice)
    })
  }
  action('publish', (u, id) => jobs.publish(u, id), 'published')
  action('duplicate', (u, id) => jobs.duplicate(u, id), 'duplicated', (j) => `/jobs/${j.id}/edit`)
  action('cancel', (u, id) => jobs.cancel(u, id), 'canceled')
  action('start', (u, id) => jobs.startWork(u, id), 'started')
  action('complete', (u, id) => jobs.complete(u, id), 'completed')
}
