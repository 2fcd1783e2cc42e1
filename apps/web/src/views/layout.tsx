import type { PropsWithChildren } from '@kitajs/html'
import { ASSET_VERSION } from './assets.ts'
import type { ViewCtx } from './context.ts'
import { Csrf } from './form.tsx'
import { Speak, SpeakButton } from './speak.tsx'
import { AppHead, OfflineBanner } from './offline.tsx'

export { ASSET_VERSION }

/** Messages a redirect may ask the next page to show (`?ok=<key>`); anything else is ignored. */
const NOTICES = new Set([
  'changes_requested',
  'dispute_opened',
  'dispute_decided',
  'withdrawn',
  'saved',
  'test_wallet_created',
  'registered',
  'logged_out',
  'published',
  'draft_saved',
  'canceled',
  'applied',
  'submitted',
  'accepted',
  'declined',
  'duplicated',
  'completed',
  'started',
  'selected',
  'retried',
  'notices_read'
])

/** The header's way to the inbox: a bell with the unread count, and a speaker saying it in a sentence. */
function NoticesLink({ ctx }: { ctx: ViewCtx }): JSX.Element {
  const n = ctx.unreadNotices
  const said = n === 0 ? ctx.t('notices.unread_none') : ctx.t('notices.unread', { count: n })
  return (
    <>
      <a href="/notices" class="notices-link" data-audio-slug="notices.header">
        <span aria-hidden="true">🔔</span> <span safe>{ctx.t('notices.nav')}</span>
        {n > 0 ? (
          <span class="count" data-unread={String(n)}>
            <span aria-hidden="true" safe>{n > 99 ? '99+' : String(n)}</span>
            <span class="vh" safe>{`(${said})`}</span>
          </span>
        ) : (
          ''
        )}
      </a>
      <SpeakButton slug="notices.header" text={said} ctx={ctx} />
    </>
  )
}

export function Layout(
  p: PropsWithChildren<{ ctx: ViewCtx; title: string; titleSlug: string; notice?: string | undefined }>
): JSX.Element {
  const { ctx } = p
  // ctx.csrf is read only where a form needs it: reading it gives this visitor a token (http/context.ts).
  const { t, lang, user } = ctx
  const next = ctx.path
  return (
    <>
      {'<!doctype html>'}
      <html lang={lang}>
        <head>
          <meta charset="utf-8" />
          <meta name="viewport" content="width=device-width, initial-scale=1" />
          <title safe>{`${p.title} · Voces Market`}</title>
          <link rel="stylesheet" href={`/static/app.css?v=${ASSET_VERSION}`} />
          <script src={`/static/app.js?v=${ASSET_VERSION}`} defer></script>
          <AppHead ctx={ctx} version={ASSET_VERSION} />
        </head>
        <body data-lang={lang} data-not-recorded={t('common.not_recorded')} data-record-label={t('submissions.record')} data-stop-label={t('submissions.stop')} data-record-or-ask={t('audio.record_or_ask')}>
          <a class="skip" href="#main" data-audio-slug="layout.skip" safe>
            {t('layout.skip')}
          </a>
          <header class="site">
            <a class="brand" href="/" data-audio-slug="nav.home">
              <span aria-hidden="true">🗣️</span> <span safe>{t('layout.brand')}</span>
            </a>
            <nav aria-label={t('layout.nav')}>
              <ul>
                <li>
                  <a href="/jobs" data-audio-slug="nav.jobs" safe>
                    {t('nav.jobs')}
                  </a>
                  <SpeakButton slug="nav.jobs" text={t('nav.jobs')} ctx={ctx} />
                </li>
                {user ? (
                  <>
                    <li>
                      <a href="/dashboard" data-audio-slug="nav.dashboard" safe>
                        {t('nav.dashboard')}
                      </a>
                      <SpeakButton slug="nav.dashboard" text={t('nav.dashboard')} ctx={ctx} />
                    </li>
                    <li>
                      <NoticesLink ctx={ctx} />
                    </li>
                    <li>
                      <a href="/profile" data-audio-slug="nav.profile" safe>
                        {t('nav.profile')}
                      </a>
                      <SpeakButton slug="nav.profile" text={t('nav.profile')} ctx={ctx} />
                    </li>
                    {user.isAdmin ? (
                      <li>
                        <a href="/admin" data-audio-slug="admin.title" safe>
                          {t('admin.title')}
                        </a>
                        <SpeakButton slug="admin.title" text={t('admin.title')} ctx={ctx} />
                      </li>
                    ) : (
                      ''
                    )}
                    <li>
                      <form method="post" action="/logout" class="inline">
                        <Csrf token={ctx.csrf} />
                        <button type="submit" class="link" data-audio-slug="nav.logout" safe>
                          {t('nav.logout')}
                        </button>
                      </form>
                      <SpeakButton slug="nav.logout" text={t('nav.logout')} ctx={ctx} />
                    </li>
                  </>
                ) : (
                  <>
                    <li>
                      <a href="/login" data-audio-slug="nav.login" safe>
                        {t('nav.login')}
                      </a>
                      <SpeakButton slug="nav.login" text={t('nav.login')} ctx={ctx} />
                    </li>
                    <li>
                      <a href="/register" data-audio-slug="nav.register" safe>
                        {t('nav.register')}
                      </a>
                      <SpeakButton slug="nav.register" text={t('nav.register')} ctx={ctx} />
                    </li>
                  </>
                )}
              </ul>
            </nav>
            <form method="post" action="/language" class="lang-switch" aria-label={t('layout.language')}>
              {/* Without a session the switch is proved same-origin by the browser's own headers (users/routes.tsx),
                  so the page carries no token and is the same for every such visitor (http/public-pages.ts). */}
              {user ? <Csrf token={ctx.csrf} /> : ''}
              <input type="hidden" name="next" value={next} />
              <button type="submit" name="lang" value="es" lang="es" data-audio-slug="layout.language_es" aria-pressed={lang === 'es' ? 'true' : 'false'}>
                Español
              </button>
              <button type="submit" name="lang" value="en" lang="en" data-audio-slug="layout.language_en" aria-pressed={lang === 'en' ? 'true' : 'false'}>
                English
              </button>
            </form>
          </header>
          <main id="main" tabindex="-1">
            <OfflineBanner ctx={ctx} />
            <div class="title-row">
              <h1 data-audio-slug={p.titleSlug} safe>
                {p.title}
              </h1>
              <SpeakButton slug={p.titleSlug} text={p.title} ctx={ctx} />
            </div>
            {p.notice && NOTICES.has(p.notice) ? (
              <div class="alert ok" role="status">
                <Speak slug={`notice.${p.notice}`} text={t(`notice.${p.notice}`)} ctx={ctx} />
              </div>
            ) : (
              ''
            )}
            {p.children}
          </main>
          <footer class="site">
            <p safe>{t('layout.footer')}</p>
            <p>
              <a href={`/audio?next=${encodeURIComponent(next)}`} data-audio-slug="audio.footer_link" safe>
                {t('audio.footer_link')}
              </a>
            </p>
          </footer>
        </body>
      </html>
    </>
  )
}
