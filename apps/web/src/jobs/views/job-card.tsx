import type { ViewCtx } from '../../views/context.ts'
import type { Job } from '../model.ts'
import { date } from '../../views/format.ts'
import { money } from '../../domain/money.ts'
import { Speak, SpeakButton } from '../../views/speak.tsx'
import { EscrowBadge } from '../../views/escrow.tsx'
import type { EscrowState } from '../../domain/escrow.ts'

export function StateBadge({ ctx, state }: { ctx: ViewCtx; state: Job['state'] }): JSX.Element {
  return (
    <span class={`badge state-${state}`} data-state={state} safe>
      {ctx.t(`states.${state}`)}
    </span>
  )
}

export function JobCard({ ctx, job, soon, escrow }: { ctx: ViewCtx; job: Job; soon: boolean; escrow?: EscrowState | undefined }): JSX.Element {
  const { t } = ctx
  return (
    <li class="card">
      <h2>
        <a href={`/jobs/${job.id}`} data-audio-slug={`job.${job.id}.title`} safe>
          {job.title}
        </a>{' '}
        <SpeakButton slug={`job.${job.id}.title`} text={job.title} ctx={ctx} />
      </h2>
      <p class="row">
        <StateBadge ctx={ctx} state={job.state} />
        <span class="badge" safe>
          {t(`languages.${job.language}`)}
        </span>
        {soon ? <Speak slug="jobs.deadline_soon" text={t('jobs.deadline_soon')} ctx={ctx} /> : ''}
        {escrow ? <EscrowBadge ctx={ctx} state={escrow} /> : ''}
      </p>
      <p>
        <strong safe>{money(job.amountPerPerson, job.assetCode, job.assetScale, ctx.lang)}</strong>{' '}
        <span safe>{t('jobs.per_person')}</span> · <span safe>{job.deliverableTypes.map((d) => t(`deliverables.${d}`)).join(', ')}</span>
      </p>
      <p safe>{`${t('jobs.recruit_deadline')}: ${date(job.recruitDeadline, ctx)}`}</p>
    </li>
  )
}
