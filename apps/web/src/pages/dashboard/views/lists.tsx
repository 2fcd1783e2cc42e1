import type { ViewCtx } from '../../../views/context.ts'
import { JOB_STATES, type Job, type JobState } from '../../../jobs/model.ts'
import type { Application } from '../../../applications/model.ts'
import type { Submission } from '../../../submissions/model.ts'
import type { MoneyEntry, MoneyLine } from '../service.ts'
import { Speak } from '../../../views/speak.tsx'
import { EscrowBadge } from '../../../views/escrow.tsx'
import type { EscrowState } from '../../../domain/escrow.ts'
import { StateBadge } from '../../../jobs/views/job-card.tsx'
import { LinkButton } from '../../../views/form.tsx'
import { date, dateTime } from '../../../views/format.ts'
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

export function MyApplications({ ctx, rows, submissions, escrow }: { ctx: ViewCtx; rows: { application: Application; job: Job }[]; submissions: { submission: Submission; job: Job }[]; escrow: Map<string, EscrowState> }): JSX.Element {
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
              {escrow.get(job.id) ? <EscrowBadge ctx={ctx} state={escrow.get(job.id)!} /> : ''}
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

export function PendingWork({ ctx, rows, escrow }: { ctx: ViewCtx; rows: { application: Application; job: Job }[]; escrow: Map<string, EscrowState> }): JSX.Element {
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
          {escrow.get(job.id) ? (
            <p>
              <EscrowBadge ctx={ctx} state={escrow.get(job.id)!} />
            </p>
          ) : (
            ''
          )}
          <p safe>{`${t('jobs.submit_deadline')}: ${date(job.submitDeadline, ctx)}`}</p>
        </li>
      ))}
    </ul>
  )
}

export function Money({ ctx, lines, entries }: { ctx: ViewCtx; lines: MoneyLine[]; entries: MoneyEntry[] }): JSX.Element {
  const { t } = ctx
  if (lines.length === 0 && entries.length === 0) return <p safe>{t('money.none')}</p>
  const m = (a: { value: bigint; assetCode: string; assetScale: number }) => money(a.value, a.assetCode, a.assetScale, ctx.lang)
  return (
    <>
      {lines.map((l) => {
        const lm = (v: bigint) => money(v, l.assetCode, l.assetScale, ctx.lang)
        return (
          <dl class="facts card">
            <dt safe>{t('money.earned')}</dt>
            <dd data-money="earned" safe>{lm(l.earned)}</dd>
            <dt safe>{t('money.pending')}</dt>
            <dd data-money="pending" safe>{lm(l.pending)}</dd>
            <dt safe>{t('money.spent')}</dt>
            <dd data-money="spent" safe>{lm(l.spent)}</dd>
            <dt safe>{t('money.fees')}</dt>
            <dd data-money="fees" safe>{lm(l.fees)}</dd>
            <dt safe>{t('money.refunded')}</dt>
            <dd data-money="refunded" safe>{lm(l.refunded)}</dd>
          </dl>
        )
      })}
      <p class="hint" safe>{t('money.explain')}</p>
      <h2 id="money-entries-h">
        <Speak slug="escrow.money.title" text={t('escrow.money.title')} ctx={ctx} />
      </h2>
      <ul class="cards" aria-labelledby="money-entries-h">
        {entries.map((e) => {
          const what = t(`escrow.money.kinds.${e.kind}`)
          const status = e.kind === 'funding' ? t(`funding.states.${e.state}`) : t(`payouts.states.${e.state}`)
          const fee = e.fee ? m(e.fee) : e.kind === 'payout' ? t('escrow.money.fee_paid_by_funder') : '—'
          const said = `${what}: ${m(e.amount)}. ${t('escrow.money.fee')}: ${fee}. ${status}.`
          return (
            <li class="card" data-money-entry={e.kind} data-money-entry-id={e.id} data-money-done={String(e.done)}>
              <h3>
                <a href={`/jobs/${e.jobId}`} data-audio-slug={`job.${e.jobId}.title`} safe>
                  {e.title}
                </a>
              </h3>
              <p>
                <Speak slug={`money.entry.${e.id}`} text={said} ctx={ctx} />
              </p>
              <dl class="facts">
                <dt safe>{t('escrow.money.amount')}</dt>
                <dd data-money-amount safe>{m(e.amount)}</dd>
                <dt safe>{t('escrow.money.fee')}</dt>
                <dd data-money-fee safe>{fee}</dd>
                <dt safe>{t('escrow.money.date')}</dt>
                <dd safe>{dateTime(e.at, ctx)}</dd>
              </dl>
            </li>
          )
        })}
      </ul>
    </>
  )
}
