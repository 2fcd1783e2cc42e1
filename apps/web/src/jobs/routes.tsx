import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { JobInput, JobService } from './service.ts'
import { toDateInput } from './input.ts'
import { formatMinorUnits } from '@voces/platform'
import type { Job } from './model.ts'
import type { EscrowState } from '../domain/escrow.ts'
import type { DeliverableType, MediaKind } from '../domain/deliverables.ts'
import type { Language } from '../domain/languages.ts'
import type { User } from '../domain/user.ts'
import type { MediaService } from '../media/service.ts'
import { errorPages, page, redirect, refusedForm } from '../http/render.tsx'
import { body, list, str, type FormBody } from '../http/form.ts'
import { inputProblems } from '../http/input.ts'
import { keepUploads } from '../media/kept.ts'
import type { Problem } from '../domain/problems.ts'
import { commonErrorStatus } from '../http/errors.ts'
import { mediaErrorStatus } from '../media/errors.ts'
import { jobErrorStatus, type JobError } from './errors.ts'
import { requireUser } from '../http/guards.ts'
import { JobForm } from './views/job-form.tsx'
import { BrowseForm, BrowseResults } from './views/browse.tsx'
import type { ViewCtx } from '../views/context.ts'
import { everyonesView } from '../http/context.ts'
import { parseCursor } from './browse.ts'
import { Speak } from '../views/speak.tsx'
import { LinkButton } from '../views/form.tsx'

export interface JobRouteDeps {
  jobs: JobService
  media: MediaService
  assetCode: string
  /** Whether each job's money is in escrow (payouts/ledger.ts), for the badge on every card. */
  escrowStates: (jobs: Job[]) => Promise<Map<string, EscrowState>>
  /** A part of a page shared by everyone who reads it alike (http/public-pages.ts `shared`). */
  shared: (req: FastifyRequest, timeZone: string, render: () => Promise<string>) => Promise<string>
}

const DAY = 86_400_000
const errorPage = errorPages({ ...commonErrorStatus, ...mediaErrorStatus, ...jobErrorStatus })

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

  /**
   * Checks the whole form at once, storing its reference file first so a refusal keeps it
   * (media/kept.ts): the problems, or the input with the file's id.
   */
  async function judge(req: FastifyRequest, user: User, b: FormBody, publishing: boolean): Promise<{ input: JobInput; problems: Problem[]; referenceKind: MediaKind | undefined }> {
    const kept = await keepUploads(deps.media, { owner: user, purpose: 'job_reference', body: b, fields: [{ name: 'reference', kind: 'any' }] })
    const input = { ...readInput(b), ...(kept.ids.reference ? { referenceMediaId: kept.ids.reference } : {}) }
    return { input, problems: [...inputProblems(req), ...jobs.problems(input, publishing), ...kept.problems], referenceKind: kept.kinds.reference }
  }

  const form = (req: FastifyRequest, reply: FastifyReply, o: { title: string; action: string; input: JobInput; problems: Problem[]; canSaveDraft: boolean; referenceKind: MediaKind | undefined }) =>
    refusedForm(req, reply, { title: o.title, problems: o.problems }, (ctx) => (
      <JobForm assetCode={deps.assetCode} ctx={ctx} action={o.action} values={o.input} problems={o.problems} canSaveDraft={o.canSaveDraft} referenceKind={o.referenceKind} />
    ))

  // The same for every visitor without a session: served from memory a few seconds (http/public-pages.ts).
  app.get<{ Querystring: Record<string, string | string[] | undefined> }>('/jobs', { config: { publicPage: true } }, async (req, reply) => {
    const q = req.query
    const one = (k: string) => (Array.isArray(q[k]) ? q[k][0] : q[k]) ?? ''
    const flags = Array.isArray(q.flags) ? q.flags : q.flags ? [q.flags] : []
    // The previous/next links carry a cursor (browse.ts); one that is not ours is refused, never guessed at.
    const after = one('after') ? parseCursor(one('after')) : undefined
    const before = one('before') ? parseCursor(one('before')) : undefined
    if (after === null || before === null) return errorPage(req, reply, 'invalid_input', '/jobs')
    const filter = {
      language: one('language').slice(0, 10),
      q: one('q').slice(0, 100),
      hideApplied: flags.includes('hideApplied') || one('hideApplied') === '1',
      soon: flags.includes('soon') || one('soon') === '1',
      page: Math.min(10_000, Math.max(1, Number.parseInt(one('page'), 10) || 1))
    }
    const results = (ctx: ViewCtx) => async () => {
      const result = await jobs.browse(req.user, { ...filter, after, before })
      const escrow = await deps.escrowStates(result.jobs)
      return <BrowseResults ctx={ctx} filter={filter} result={result} escrow={escrow} soon={(j) => jobs.isDeadlineSoon(j)} />
    }
    // The list is everyone's (a signed-in person's too) unless she hides what she applied to.
    const mine = filter.hideApplied && req.user
    return page(req, reply, { title: 'browse.title', titleSlug: 'browse.title' }, (ctx) => (
      <>
        <BrowseForm ctx={ctx} filter={filter} />
        {mine ? results(ctx)() : deps.shared(req, ctx.timeZone, results(everyonesView(ctx)))}
      </>
    ))
  })

  app.get('/jobs/new', async (req, reply) => {
    const user = requireUser(req, reply)
    if (!user) return reply
    return page(req, reply, { title: 'jobs.new_title', titleSlug: 'jobs.new_title' }, (ctx) => (
      <JobForm assetCode={deps.assetCode} ctx={ctx} action="/jobs" values={defaults(user)} canSaveDraft />
    ))
  })

  app.post('/jobs', { config: { showsFormAgain: true } }, async (req, reply) => {
    const user = requireUser(req, reply)
    if (!user) return reply
    const b = body(req)
    const publish = str(b, 'action') !== 'draft'
    const { input, problems, referenceKind } = await judge(req, user, b, publish)
    const result = problems.length > 0 ? undefined : await jobs.create(user, input, publish)
    if (result === undefined || typeof result === 'string') {
      return form(req, reply, { title: 'jobs.new_title', action: '/jobs', input, problems: result ? [{ code: result }] : problems, canSaveDraft: true, referenceKind })
    }
    return redirect(reply, `/jobs/${result.id}`, publish ? 'published' : 'draft_saved')
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

  app.post<{ Params: { id: string } }>('/jobs/:id/edit', { config: { showsFormAgain: true } }, async (req, reply) => {
    const user = requireUser(req, reply)
    if (!user) return reply
    const b = body(req)
    const publish = str(b, 'action') !== 'draft'
    const { input, problems, referenceKind } = await judge(req, user, b, publish)
    const result = problems.length > 0 ? undefined : await jobs.update(user, req.params.id, input, publish)
    if (result === 'not_found' || result === 'invalid_state') return errorPage(req, reply, result, `/jobs/${req.params.id}`)
    if (result === undefined || typeof result === 'string') {
      return form(req, reply, { title: 'jobs.edit_title', action: `/jobs/${req.params.id}/edit`, input, problems: result ? [{ code: result }] : problems, canSaveDraft: true, referenceKind })
    }
    return redirect(reply, `/jobs/${result.id}`, result.state === 'draft' ? 'draft_saved' : 'saved')
  })

  const action = (path: string, run: (user: User, id: string) => Promise<Job | JobError | 'not_found'>, notice: string, to: (job: Job) => string = (j) => `/jobs/${j.id}`) => {
    app.post<{ Params: { id: string } }>(`/jobs/:id/${path}`, async (req, reply) => {
      const user = requireUser(req, reply)
      if (!user) return reply
      const result = await run(user, req.params.id)
      // Not enough in escrow to start: say so and lead straight to the top-up on the job page.
      if (result === 'underfunded') {
        return page(req, reply, { title: 'errors.title', titleSlug: 'errors.title', status: jobErrorStatus.underfunded }, (ctx) => (
          <>
            <p class="alert error" role="alert" data-error={result}>
              <Speak slug="escrow.start_needs_funds" text={ctx.t('escrow.start_needs_funds')} ctx={ctx} />
            </p>
            <p>
              <LinkButton ctx={ctx} href={`/jobs/${req.params.id}#funding`} slug="escrow.fund_now" text={ctx.t('escrow.fund_now')} kind="primary" />
            </p>
          </>
        ))
      }
      if (typeof result === 'string') return errorPage(req, reply, result, `/jobs/${req.params.id}`)
      return redirect(reply, to(result), notice)
    })
  }
  action('publish', (u, id) => jobs.publish(u, id), 'published')
  action('duplicate', (u, id) => jobs.duplicate(u, id), 'duplicated', (j) => `/jobs/${j.id}/edit`)
  action('cancel', (u, id) => jobs.cancel(u, id), 'canceled')
  action('start', (u, id) => jobs.startWork(u, id), 'started')
  action('complete', (u, id) => jobs.complete(u, id), 'completed')
}
