import type { ViewCtx } from '../../../views/context.ts'
import { JOB_STATES, type Job, type JobState } from '../../../jobs/model.ts'
import { StateBadge } from '../../../jobs/views/job-card.tsx'
import { date } from '../../../views/format.ts'
import { money } from '../../../domain/money.ts'
import { AdminNav, Pager } from './parts.tsx'

export function AdminJobs(p: {
  ctx: ViewCtx
  rows: Array<{ job: Job; owner: string }>
  counts: Record<JobState, number>
  state: JobState | undefined
  page: number
  hasMore: boolean
}): JSX.Element {
  const { ctx } = p
  const { t } = ctx
  return (
    <>
      <AdminNav ctx={ctx} current="jobs" />
      <nav aria-label={t('dashboard.by_state')}>
        <ul class="row" role="list">
          <li>
            <a href="/admin/jobs" class="btn secondary" data-audio-slug="dashboard.all" aria-current={p.state ? undefined : 'page'} safe>
              {t('dashboard.all')}
            </a>
          </li>
          {JOB_STATES.map((s) => (
            <li>
              <a href={`/admin/jobs?state=${s}`} class="btn secondary" data-audio-slug={`states.${s}`} aria-current={p.state === s ? 'page' : undefined} data-count-state={s}>
                <span safe>{t(`states.${s}`)}</span> <span class="badge">{p.counts[s]}</span>
              </a>
            </li>
          ))}
        </ul>
      </nav>
      {p.rows.length === 0 ? (
        <p safe>{t('common.none')}</p>
      ) : (
        <ul class="cards">
          {p.rows.map(({ job, owner }) => (
            <li class="card" data-job={job.id}>
              <h2>
                <a href={`/jobs/${job.id}`} data-audio-slug={`job.${job.id}.title`} safe>
                  {job.title}
                </a>
              </h2>
              <p class="row">
                <StateBadge ctx={ctx} state={job.state} />
                <span safe>{`@${owner}`}</span>
                <span safe>{money(job.amountPerPerson * BigInt(job.maxResponses), job.assetCode, job.assetScale, ctx.lang)}</span>
                <span safe>{date(job.updatedAt, ctx)}</span>
              </p>
            </li>
          ))}
        </ul>
      )}
      <Pager ctx={ctx} path="/admin/jobs" params={{ state: p.state }} page={p.page} hasMore={p.hasMore} />
    </>
  )
}
