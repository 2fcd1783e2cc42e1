import type { ViewCtx } from '../../../views/context.ts'
import { Speak } from '../../../views/speak.tsx'

/** Outcomes a redirect inside /admin may announce (`?done=<key>`); anything else is ignored. */
export const ADMIN_NOTICES = [
  'saved',
  'disabled',
  'enabled',
  'own_account',
  'grant_approved',
  'grant_failed',
  'grant_unavailable',
  'invalid_limit',
  'reconciled',
  'still_in_review',
  'reconcile_unavailable'
] as const
export type AdminNotice = (typeof ADMIN_NOTICES)[number]

const SECTIONS = ['users', 'jobs', 'money', 'webhooks'] as const

/** The admin area's own navigation and its notice line, on every admin page. */
export function AdminNav({ ctx, current, done }: { ctx: ViewCtx; current: string; done?: string | undefined }): JSX.Element {
  const { t } = ctx
  const notice = (ADMIN_NOTICES as readonly string[]).includes(done ?? '') ? (done as AdminNotice) : undefined
  const bad = notice === 'own_account' || notice === 'grant_failed' || notice === 'grant_unavailable' || notice === 'invalid_limit' || notice === 'reconcile_unavailable'
  return (
    <>
      <nav aria-label={t('admin.nav')}>
        <ul class="row" role="list">
          <li>
            <a href="/admin" class="btn secondary" data-audio-slug="admin.overview" aria-current={current === 'overview' ? 'page' : undefined} safe>
              {t('admin.overview')}
            </a>
          </li>
          {SECTIONS.map((s) => (
            <li>
              <a href={`/admin/${s}`} class="btn secondary" data-audio-slug={`admin.${s}.title`} aria-current={current === s ? 'page' : undefined} safe>
                {t(`admin.${s}.title`)}
              </a>
            </li>
          ))}
          <li>
            <a href="/admin/disputes" class="btn secondary" data-audio-slug="review.admin_title" safe>
              {t('review.admin_title')}
            </a>
          </li>
          <li>
            <a href="/admin/audio" class="btn secondary" data-audio-slug="admin.audio" safe>
              {t('admin.audio')}
            </a>
          </li>
        </ul>
      </nav>
      {notice ? (
        <div class={bad ? 'alert error' : 'alert ok'} role={bad ? 'alert' : 'status'} data-admin-notice={notice}>
          <Speak slug={`admin.notice.${notice}`} text={t(`admin.notice.${notice}`)} ctx={ctx} />
        </div>
      ) : (
        ''
      )}
    </>
  )
}

/** "Next page" / "previous page" links that keep the other query parameters. */
export function Pager({ ctx, path, params, page, hasMore }: { ctx: ViewCtx; path: string; params: Record<string, string | undefined>; page: number; hasMore: boolean }): JSX.Element {
  const href = (p: number) => {
    const q = new URLSearchParams()
    for (const [k, v] of Object.entries(params)) if (v) q.set(k, v)
    if (p > 0) q.set('page', String(p))
    const s = q.toString()
    return s ? `${path}?${s}` : path
  }
  if (page === 0 && !hasMore) return ''
  return (
    <p class="row">
      {page > 0 ? (
        <a class="btn secondary" href={href(page - 1)} rel="prev" data-audio-slug="admin.previous" safe>
          {ctx.t('admin.previous')}
        </a>
      ) : (
        ''
      )}
      {hasMore ? (
        <a class="btn secondary" href={href(page + 1)} rel="next" data-audio-slug="admin.next" safe>
          {ctx.t('admin.next')}
        </a>
      ) : (
        ''
      )}
    </p>
  )
}
