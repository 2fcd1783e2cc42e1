import type { FastifyInstance } from 'fastify'
import type { JobService } from '../../jobs/service.ts'
import type { MediaService } from '../../media/service.ts'
import type { Media } from '../../media/model.ts'
import type { ApplicationService } from '../../applications/service.ts'
import type { SubmissionService } from '../../submissions/service.ts'
import type { FundingService } from '../../funding/service.ts'
import type { PayoutService } from '../../payouts/service.ts'
import type { UserService } from '../../users/service.ts'
import { ACTIVE_STATES, type Job } from '../../jobs/model.ts'
import { errorPage, page } from '../../http/render.tsx'
import { keepOffline } from '../../http/offline.ts'
import { JobPage, type CreatorData, type OwnerData } from './job-page.tsx'
import { shortfall, type Ledger } from '../../payouts/ledger.ts'

export interface JobPageDeps {
  jobs: JobService
  media: MediaService
  applications: ApplicationService
  submissions: SubmissionService
  fundings: FundingService
  payouts: PayoutService
  users: UserService
  /** What everyone sees of one thing, shared a few seconds (http/public-pages.ts `value`). */
  everyones: <T extends object>(key: string, load: () => Promise<T>) => Promise<T>
}

/** A job as everyone may see it: nothing (a draft, or no such job), or the job with its ledger and reference file. */
type EveryonesJob = { job: 'not_found' } | { job: Job; ledger: Ledger; reference: Media | null }

/**
 * The job page assembles five features: the job (and its reference file), its applications and
 * submissions, its funding and its payouts, each as the viewer may see them (owner, creator, visitor).
 */
export function jobPageRoutes(app: FastifyInstance, deps: JobPageDeps): void {
  // A visitor without a session sees what everyone sees: served from memory a few seconds (http/public-pages.ts).
  app.get<{ Params: { id: string } }>('/jobs/:id', { config: { publicPage: true } }, async (req, reply) => {
    const user = req.user
    // The job as everyone sees it, with its escrow ledger and reference file: the same for every visitor and
    // every signed-in creator, read once and shared a few seconds (a creator's page then reads only her rows).
    const everyones = await deps.everyones(`job:${req.params.id}`, async (): Promise<EveryonesJob> => {
      const job = await deps.jobs.getForViewer(null, req.params.id)
      if (job === 'not_found') return { job }
      const [ledger, reference] = await Promise.all([deps.payouts.ledger(job), job.referenceMediaId ? deps.media.get(job.referenceMediaId) : null])
      return { job, ledger, reference }
    })
    // Its owner (and an admin) reads it afresh: a draft is hers alone, and her page shows what she just did.
    const mayOwn = user && (user.isAdmin || everyones.job === 'not_found' || everyones.job.ownerId === user.id)
    const job = mayOwn ? await deps.jobs.getForViewer(user, req.params.id) : everyones.job
    if (job === 'not_found') return errorPage(req, reply, job)
    const owns = Boolean(user && (user.id === job.ownerId || user.isAdmin))
    // Everyone but its owner (and admins) gets the shared ledger and reference file; theirs are read afresh.
    const bundle = !owns && 'ledger' in everyones ? everyones : null
    const reference = bundle ? Promise.resolve(bundle.reference) : job.referenceMediaId ? deps.media.get(job.referenceMediaId) : Promise.resolve(null)
    reference.catch(() => undefined) // awaited below; a failure meanwhile must not go unhandled
    let owner: OwnerData | null = null
    let creator: CreatorData | null = null
    if (user && owns) {
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
      const selected = applications.filter((a) => a.application.state === 'selected').length
      const rounds = deps.submissions.review.changeRounds
      owner = {
        applications,
        submissions,
        history,
        budgetLeft,
        ledger,
        payouts,
        openFunding,
        shortfall: shortfall(ledger, job, selected),
        releaseAt: (s) => (s.submittedAt ? deps.submissions.releaseAt(s.submittedAt) : null),
        roundsLeft: (s) => rounds - s.changeRounds
      }
    } else if (user) {
      const application = await deps.applications.getMine(user.id, job.id)
      const submission = application ? await deps.submissions.getMine(user.id, job.id) : null
      const [payout] = submission ? await deps.payouts.forSubmissions([submission.id]) : []
      const releaseAt = submission?.submittedAt ? deps.submissions.releaseAt(submission.submittedAt) : null
      // Until she is paid, a creator whose wallet holds another asset is told how her pay will reach it:
      // only where it is said (while recruiting, or once she applied).
      const unpaid = !payout && ACTIVE_STATES.includes(job.state) && (application || job.state === 'recruiting') && user.walletAddress
      const walletAsset = unpaid ? await deps.users.walletAsset(user.walletAddress!) : null
      creator = { application, submission, payout, releaseAt, walletAsset }
    }
    const ledger = owner?.ledger ?? bundle?.ledger ?? (await deps.payouts.ledger(job))
    const referenceFile = await reference
    const escrow = deps.payouts.escrowState(ledger, job)
    // A job the person applied to or was chosen for is one of their own pages: readable offline.
    if (creator?.application) keepOffline(reply)
    return page(req, reply, { title: job.title, titleSlug: `job.${job.id}.title`, rawTitle: true }, (ctx) => (
      <JobPage ctx={ctx} job={job} soon={deps.jobs.isDeadlineSoon(job)} ledger={ledger} escrow={escrow} reference={referenceFile} owner={owner} creator={creator} />
    ))
  })
}
