import type { ViewCtx } from '../../views/context.ts'
import type { Job } from '../model.ts'
import { LANGUAGES } from '../../domain/languages.ts'
import { Checkboxes, Field, Select, Submit } from '../../views/form.tsx'
import { JobCard } from './job-card.tsx'
import type { EscrowState } from '../../domain/escrow.ts'
import { formatCursor, type BrowsePage } from '../browse.ts'

export interface BrowseFilter {
  language: string
  q: string
  hideApplied: boolean
  soon: boolean
  page: number
}

/** The search form: per person (a signed-in creator may hide the jobs she applied to). */
export function BrowseForm(p: { ctx: ViewCtx; filter: BrowseFilter }): JSX.Element {
  const { ctx } = p
  const { t, user } = ctx
  const f = p.filter
  const flags = [f.hideApplied ? 'hideApplied' : '', f.soon ? 'soon' : ''].filter(Boolean)
  return (
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
  )
}

/**
 * The count, the cards and the pager: the same for everyone who reads them in one language, time zone and
 * audio languages (unless she hides what she applied to), so the route may share them (http/public-pages.ts).
 */
export function BrowseResults(p: { ctx: ViewCtx; filter: BrowseFilter; result: BrowsePage; escrow: Map<string, EscrowState>; soon: (j: Job) => boolean }): JSX.Element {
  const { ctx } = p
  const { t } = ctx
  const f = p.filter
  const r = p.result
  // The filter, the page's number (for its label) and where the next page starts: after the last job
  // shown, or before the first one.
  const link = (cursor: { after: string } | { before: string }, page: number) =>
    `/jobs?${new URLSearchParams({ ...(f.language ? { language: f.language } : {}), ...(f.q ? { q: f.q } : {}), ...(f.hideApplied ? { hideApplied: '1' } : {}), ...(f.soon ? { soon: '1' } : {}), ...cursor, page: String(page) })}`
  return (
    <>
      <p role="status" safe>
        {r.totalCapped ? t('browse.count_many', { count: r.total }) : t('browse.count', { count: r.total })}
      </p>
      {r.jobs.length === 0 ? (
        <p safe>{t('browse.empty')}</p>
      ) : (
        <ul class="cards">
          {r.jobs.map((j) => (
            <JobCard ctx={p.ctx} job={j} soon={p.soon(j)} escrow={p.escrow.get(j.id)} />
          ))}
        </ul>
      )}
      <nav class="pager" aria-label={t('browse.pages')}>
        {r.hasPrev && r.first ? (
          <a class="btn secondary" href={link({ before: formatCursor(r.first) }, r.page - 1)} rel="prev" data-audio-slug="common.previous" safe>
            {t('common.previous')}
          </a>
        ) : (
          ''
        )}
        <span safe>{r.pages ? `${t('common.page', { page: r.page })} / ${r.pages}` : t('common.page', { page: r.page })}</span>
        {r.hasNext && r.last ? (
          <a class="btn secondary" href={link({ after: formatCursor(r.last) }, r.page + 1)} rel="next" data-audio-slug="common.next" safe>
            {t('common.next')}
          </a>
        ) : (
          ''
        )}
      </nav>
    </>
  )
}
