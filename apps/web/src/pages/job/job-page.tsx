import type { ViewCtx } from '../../views/context.ts'
import type { Job } from '../../jobs/model.ts'
import type { Media } from '../../media/model.ts'
import type { Application } from '../../applications/model.ts'
import type { Submission } from '../../submissions/model.ts'
import type { Funding } from '../../funding/model.ts'
import type { Payout } from '../../payouts/model.ts'
import type { Ledger } from '../../payouts/service.ts'
import { ApplicationList, ApplyForm, MyApplication, type ApplicationRow } from '../../applications/views/applications.tsx'
import { MySubmission, SubmissionList, SubmitForm, type SubmissionRow } from '../../submissions/views/submissions.tsx'
import { FundingHistory, FundingSection } from '../../funding/views/funding.tsx'
import { LedgerView } from '../../payouts/views/ledger.tsx'
import { PayoutStatus } from '../../payouts/views/status.tsx'
import { LinkButton, PostButton } from '../../views/form.tsx'
import { MediaPreview } from '../../views/media.tsx'
import { Speak, SpeakButton } from '../../views/speak.tsx'
import { date } from '../../views/format.ts'
import { money } from '../../domain/money.ts'
import { StateBadge } from '../../jobs/views/job-card.tsx'
import { ACTIVE_STATES } from '../../jobs/model.ts'
import { EscrowBadge } from '../../views/escrow.tsx'
import type { EscrowState } from '../../domain/escrow.ts'

export interface OwnerData {
  applications: ApplicationRow[]
  submissions: SubmissionRow[]
  openFunding: Funding | null
  history: Funding[]
  budgetLeft: { total: bigint; reserve: bigint }
  ledger: Ledger
  payouts: { payout: Payout; receiver: { username: string; displayName: string } }[]
  /** What escrow lacks for everyone selected: the work starts only at 0. */
  shortfall: bigint
  /** When submitted work is accepted automatically, and how many rounds of changes are left for it. */
  releaseAt: (s: Submission) => Date | null
  roundsLeft: (s: Submission) => number
}

export interface CreatorData {
  application: Application | null
  submission: Submission | null
  payout: Payout | undefined
  releaseAt: Date | null
  /** The asset her wallet holds, read while she is not yet paid (null: paid, no wallet, or not readable now). */
  walletAsset: { assetCode: string; assetScale: number } | null
}

/** A submission's payout as the owner sees it: the latest attempt (a retried payout supersedes the failed one). */
function latestPayout(payouts: OwnerData['payouts'], submissionId: string): Payout | undefined {
  return payouts.map((x) => x.payout).filter((p) => p.kind === 'payout' && p.reference.split(':')[0] === submissionId).at(-1)
}

/** The job page: the job, and for its owner or a creator the parts of every feature that concern them. */
export function JobPage(p: { ctx: ViewCtx; job: Job; soon: boolean; ledger: Ledger; escrow: EscrowState; reference: Media | null; owner: OwnerData | null; creator: CreatorData | null }): JSX.Element {
  const { ctx } = p
  // ctx.csrf only inside forms: a visitor's page without one may be served to every visitor (http/public-pages.ts).
  const { t, user } = ctx
  const { job, owner } = p
  const m = (v: bigint) => money(v, job.assetCode, job.assetScale, ctx.lang)
  return (
    <article class="stack">
      <p class="row">
        <StateBadge ctx={p.ctx} state={job.state} />
        <EscrowBadge ctx={ctx} state={p.escrow} />
        {p.soon ? <Speak slug="jobs.deadline_soon" text={t('jobs.deadline_soon')} ctx={ctx} /> : ''}
      </p>
      <div class="row">
        <p class="description" data-audio-slug={`job.${job.id}.description`} safe>
          {job.description}
        </p>
        <SpeakButton slug={`job.${job.id}.description`} text={job.description} ctx={ctx} />
      </div>
      {p.reference ? <MediaPreview ctx={ctx} kind={p.reference.kind} id={p.reference.id} offline /> : ''}
      <dl class="facts">
        <dt safe>{t('jobs.language')}</dt>
        <dd safe>{`${t(`languages.${job.language}`)}${job.dialect ? ` (${job.dialect})` : ''}`}</dd>
        <dt safe>{t('jobs.deliverables')}</dt>
        <dd safe>{job.deliverableTypes.map((d) => t(`deliverables.${d}`)).join(', ')}</dd>
        <dt safe>{t('jobs.amount')}</dt>
        <dd safe>{money(job.amountPerPerson, job.assetCode, job.assetScale, ctx.lang)}</dd>
        <dt safe>{t('jobs.people')}</dt>
        <dd>{job.maxResponses}</dd>
        <dt safe>{t('jobs.budget')}</dt>
        <dd safe>{m(job.amountPerPerson * BigInt(job.maxResponses))}</dd>
        <dt safe>{t('escrow.held')}</dt>
        <dd data-held={String(p.ledger.held)} safe>
          {m(p.ledger.held)}
        </dd>
        <dt safe>{t('jobs.recruit_deadline')}</dt>
        <dd safe>{date(job.recruitDeadline, ctx)}</dd>
        <dt safe>{t('jobs.submit_deadline')}</dt>
        <dd safe>{job.submitDeadline ? date(job.submitDeadline, ctx) : t('jobs.submit_days_value', { count: job.submitDays })}</dd>
        <dt safe>{t('jobs.expires')}</dt>
        <dd safe>{date(job.expiresAt, ctx)}</dd>
      </dl>

      {owner ? (
        <>
          <div class="row" aria-label={t('jobs.actions')}>
            {job.state === 'draft' || job.state === 'recruiting' ? <LinkButton ctx={ctx} href={`/jobs/${job.id}/edit`} slug="jobs.edit" text={t('jobs.edit')} /> : ''}
            {job.state === 'draft' ? <PostButton ctx={ctx} csrf={ctx.csrf} action={`/jobs/${job.id}/publish`} slug="jobs.publish" text={t('jobs.publish')} /> : ''}
            {(job.state === 'recruiting' || job.state === 'selecting') && owner.applications.some((a) => a.application.state === 'selected') ? (
              owner.shortfall > 0n ? (
                <p data-start-needs-funds={String(owner.shortfall)}>
                  <Speak slug="escrow.start_needs_funds" text={t('escrow.start_needs_funds')} ctx={ctx} />{' '}
                  <a href="#funding" data-audio-slug="escrow.fund_now" safe>
                    {t('escrow.fund_now')}
                  </a>
                </p>
              ) : (
                <PostButton ctx={ctx} csrf={ctx.csrf} action={`/jobs/${job.id}/start`} slug="jobs.start" text={t('jobs.start')} />
              )
            ) : (
              ''
            )}
            {job.state === 'submitting' || job.state === 'reviewing' ? <LinkButton ctx={ctx} href={`/jobs/${job.id}/complete`} slug="jobs.complete" text={t('jobs.complete')} kind="primary" /> : ''}
            <PostButton ctx={ctx} csrf={ctx.csrf} action={`/jobs/${job.id}/duplicate`} slug="jobs.duplicate" text={t('jobs.duplicate')} kind="secondary" />
          </div>
          {job.state !== 'draft' ? (
            <FundingSection ctx={p.ctx} job={job} open={owner.openFunding} budget={owner.budgetLeft} escrow={p.escrow} hasWallet={Boolean(user?.walletAddress)} />
          ) : (
            ''
          )}
          <ApplicationList ctx={p.ctx} job={job} rows={owner.applications} />
          <SubmissionList
            ctx={p.ctx}
            job={job}
            rows={owner.submissions}
            payoutOf={(s) => <PayoutStatus ctx={p.ctx} payout={latestPayout(owner.payouts, s.id)} />}
            releaseAt={owner.releaseAt}
            roundsLeft={owner.roundsLeft}
          />
          <LedgerView ctx={p.ctx} ledger={owner.ledger} payouts={owner.payouts} />
          <FundingHistory ctx={p.ctx} history={owner.history} />
          {/* Far from the payment box: canceling refunds escrow (and costs fees), so it asks first (a confirmation page). */}
          {job.state === 'draft' || ACTIVE_STATES.includes(job.state) ? (
            <section class="card" aria-labelledby="cancel-h" data-cancel-zone>
              <h2 id="cancel-h" safe>
                {t('review.cancel_zone')}
              </h2>
              <LinkButton ctx={ctx} href={`/jobs/${job.id}/cancel`} slug="jobs.cancel" text={t('jobs.cancel')} kind="danger" />
            </section>
          ) : (
            ''
          )}
        </>
      ) : (
        ''
      )}

      {p.creator ? <CreatorSection ctx={p.ctx} job={job} data={p.creator} /> : ''}
      {!user && job.state === 'recruiting' ? <LinkButton ctx={ctx} href={`/login?next=/jobs/${job.id}`} slug="jobs.login_to_apply" text={t('jobs.login_to_apply')} kind="primary" /> : ''}
    </article>
  )
}

/**
 * A creator whose wallet holds another asset than the job: a payout to her cannot be fixed in the job's
 * asset (docs/payments.md), so escrow sends the pay, its fee comes out and the rest is converted at the
 * wallets' rate of that moment. No quote before she applies: it would open an incoming payment on her
 * wallet at every look, and the rate would change by payday anyway. My money shows what arrived.
 */
function OtherAssetNote({ ctx, job, asset }: { ctx: ViewCtx; job: Job; asset: CreatorData['walletAsset'] }): JSX.Element {
  if (!asset || (asset.assetCode === job.assetCode && asset.assetScale === job.assetScale)) return ''
  const text = ctx.t('jobs.other_asset', { asset: asset.assetCode, amount: money(job.amountPerPerson, job.assetCode, job.assetScale, ctx.lang) })
  return (
    <p class="alert" data-other-asset={asset.assetCode}>
      <Speak slug="jobs.other_asset" text={text} ctx={ctx} />
    </p>
  )
}

function CreatorSection({ ctx, job, data }: { ctx: ViewCtx; job: Job; data: CreatorData }): JSX.Element {
  const note = <OtherAssetNote ctx={ctx} job={job} asset={data.walletAsset} />
  if (!data.application)
    return job.state === 'recruiting' ? (
      <>
        {note}
        <ApplyForm ctx={ctx} job={job} />
      </>
    ) : (
      ''
    )
  const resubmit = data.submission?.state === 'changes_requested' && (job.state === 'submitting' || job.state === 'reviewing')
  return (
    <>
      {note}
      <MyApplication ctx={ctx} job={job} application={data.application} />
      {resubmit ? (
        <SubmitForm ctx={ctx} job={job} draft={data.submission} />
      ) : data.submission && data.submission.state !== 'draft' ? (
        <MySubmission ctx={ctx} job={job} submission={data.submission} payout={<PayoutStatus ctx={ctx} payout={data.payout} />} releaseAt={data.releaseAt} />
      ) : data.application.state === 'selected' && job.state === 'submitting' ? (
        <SubmitForm ctx={ctx} job={job} draft={data.submission} />
      ) : (
        ''
      )}
    </>
  )
}
