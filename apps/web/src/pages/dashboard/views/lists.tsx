import type { ViewCtx } from '../../../views/context.ts'
import { JOB_STATES, type Job, type JobState } from '../../../jobs/model.ts'
import type { Application } from '../../../applications/model.ts'
import type { Submission } from '../../../submissions/model.ts'
import type { MoneyLine } from '../service.ts'
import { StateBadge } from '../../../jobs/views/job-card.tsx'
import { LinkButton } from '../../../views/form.tsx'
import { date } from '../../../views/format.ts'
import { money } from '../../../domain/money.ts'

export function MyJobs({ ctx, jobs, counts, state }: { ctx: ViewCtx; jobs: Job[]; counts: Record<JobState, number>; state: JobState | undefined }): JSX.Element {
  const { t } = ctx
  return (
    <>
      <p>
        <LinkButton ctx={ctx} href="/jobs/new" slug="home.create" text={t('home.create')} kind="primary" />
      </p>
      <nav aria-label={t('dashboard.by_state')}>
        <ul class="row" role="list">
          <li>
            <a href="/dashboard/jobs" class="btn secondary" data-audio-slug="dashboard.all" aria-current={state ? undefined : 'page'} safe>
              {t('dashboard.all')}
            </a>
          </li>
          {JOB_STATES.map((s) => (
            <li>
              <a href={`/dashboard/jobs?state=${s}`} class="btn secondary" data-audio-slug={`states.${s}`} aria-current={state === s ? 'page' : undefined} data-count-state={s}>
                <span safe>{t(`states.${s}`)}</span> <span class="badge">{counts[s]}</span>
              </a>
            </li>
          ))}
        </ul>
      </nav>
      {jobs.length === 0 ? (
        <p safe>{t('common.none')}</p>
      ) : (
        <ul class="cards">
          {jobs.map((j) => (
            <li class="card">
              <h2>
                <a href={`/jobs/${j.id}`} data-audio-slug={`job.${j.id}.title`} safe>
                  {j.title}
                </a>
              </h2>
              <p class="row">
                <StateBadge ctx={ctx} state={j.state} /> <span safe>{date(j.updatedAt, ctx)}</span>
              </p>
            </li>
          ))}
        </ul>
      )}
    </>
  )
}

export function MyApplications({ ctx, rows, submissions }: { ctx: ViewCtx; rows: { application: Application; job: Job }[]; submissions: { submission: Submission; job: Job }[] }): JSX.Element {
  const { t } = ctx
  const byJob = new Map(submissions.map((s) => [s.job.id, s.submission]))
  return rows.length === 0 ? (
    <p safe>{t('common.none')}</p>
  ) : (
    <ul class="cards">
      {rows.map(({ application, job }) => {
        const sub = byJob.get(job.id)
        return (
          <li class="card">
            <h2>
              <a href={`/jobs/${job.id}`} data-audio-slug={`job.${job.id}.title`} safe>
                {job.title}
              </a>
            </h2>
            <p class="row">
              <StateBadge ctx={ctx} state={job.state} />
              <span class="badge" safe>
                {t(`applications.states.${application.state}`)}
              </span>
              {sub ? (
                <span class="badge" safe>
                  {t(`submissions.states.${sub.state}`)}
                </span>
              ) : (
                ''
              )}
            </p>
          </li>
        )
      })}
    </ul>
  )
}

export function PendingWork({ ctx, rows }: { ctx: ViewCtx; rows: { application: Application; job: Job }[] }): JSX.Element {
  const { t } = ctx
  return rows.length === 0 ? (
    <p safe>{t('common.none')}</p>
  ) : (
    <ul class="cards">
      {rows.map(({ job }) => (
        <li class="card">
          <h2>
            <a href={`/jobs/${job.id}#submit-h`} data-audio-slug={`job.${job.id}.title`} safe>
              {job.title}
            </a>
          </h2>
          <p safe>{`${t('jobs.submit_deadline')}: ${date(job.submitDeadline, ctx)}`}</p>
        </li>
      ))}
    </ul>
  )
}

export function Money({ ctx, lines }: { ctx: ViewCtx; lines: MoneyLine[] }): JSX.Element {
  const { t } = ctx
  if (lines.length === 0) return <p safe>{t('money.none')}</p>
  return (
    <>
      {lines.map((l) => {
        const m = (v: bigint) => money(v, l.assetCode, l.assetScale)
        return (
          <dl class="facts card">
            <dt safe>{t('money.earned')}</dt>
            <dd data-money="earned" safe>{m(l.earned)}</dd>
            <dt safe>{t('money.pending')}</dt>
            <dd data-money="pending" safe>{m(l.pending)}</dd>
            <dt safe>{t('money.spent')}</dt>
            <dd data-money="spent" safe>{m(l.spent)}</dd>
            <dt safe>{t('money.fees')}</dt>
            <dd data-money="fees" safe>{m(l.fees)}</dd>
            <dt safe>{t('money.refunded')}</dt>
            <dd data-money="refunded" safe>{m(l.refunded)}</dd>
          </dl>
        )
      })}
      <p class="hint" safe>{t('money.explain')}</p>
    </>
  )
}
