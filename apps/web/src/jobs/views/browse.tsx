import type { ViewCtx } from '../../views/context.ts'
import type { Job } from '../model.ts'
import { LANGUAGES } from '../../domain/languages.ts'
import { Checkboxes, Field, Select, Submit } from '../../views/form.tsx'
import { JobCard } from './job-card.tsx'
import type { EscrowState } from '../../domain/escrow.ts'

export interface BrowseFilter {
  language: string
  q: string
  hideApplied: boolean
  soon: boolean
  page: number
}

export function Browse(p: { ctx: ViewCtx; filter: BrowseFilter; jobs: Job[]; escrow: Map<string, EscrowState>; soon: (j: Job) => boolean; page: number; pages: number | null; hasNext: boolean; total: number; totalCapped: boolean }): JSX.Element {
  const { ctx } = p
  const { t, user } = ctx
  const f = p.filter
  const query = (page: number) =>
    `/jobs?${new URLSearchParams({ ...(f.language ? { language: f.language } : {}), ...(f.q ? { q: f.q } : {}), ...(f.hideApplied ? { hideApplied: '1' } : {}), ...(f.soon ? { soon: '1' } : {}), page: String(page) })}`
  const flags = [f.hideApplied ? 'hideApplied' : '', f.soon ? 'soon' : ''].filter(Boolean)
  return (
    <>
      <form method="get" action="/jobs" class="stack" role="search">
        <Field ctx={ctx} name="q" type="search" slug="browse.search" label={t('browse.search')} value={f.q} />
        <Select ctx={ctx} name="language" slug="browse.language" label={t('browse.language')} value={f.language} options={[{ value: '', label: t('browse.all_languages') }, ...LANGUAGES.map((l) => ({ value: l, label: t(`languages.${l}`) }))]} />
        <Checkboxes
          ctx={ctx}
          name="flags"
          slug="browse.options"
          legend={t('browse.options')}
          values={flags}
          options={[...(user ? [{ value: 'hideApplied', label: t('browse.hide_applied') }] : []), { value: 'soon', label: t('jobs.deadline_soon') }]}
        />
        <Submit ctx={ctx} slug="browse.submit" text={t('browse.submit')} />
      </form>
      <p role="status" safe>
        {p.totalCapped ? t('browse.count_many', { count: p.total }) : t('browse.count', { count: p.total })}
      </p>
      {p.jobs.length === 0 ? (
        <p safe>{t('browse.empty')}</p>
      ) : (
        <ul class="cards">
          {p.jobs.map((j) => (
            <JobCard ctx={p.ctx} job={j} soon={p.soon(j)} escrow={p.escrow.get(j.id)} />
          ))}
        </ul>
      )}
      <nav class="pager" aria-label={t('browse.pages')}>
        {p.page > 1 ? (
          <a class="btn secondary" href={query(p.page - 1)} rel="prev" data-audio-slug="common.previous" safe>
            {t('common.previous')}
          </a>
        ) : (
          ''
        )}
        <span safe>{p.pages ? `${t('common.page', { page: p.page })} / ${p.pages}` : t('common.page', { page: p.page })}</span>
        {p.hasNext ? (
          <a class="btn secondary" href={query(p.page + 1)} rel="next" data-audio-slug="common.next" safe>
            {t('common.next')}
          </a>
        ) : (
          ''
        )}
      </nav>
    </>
  )
}
