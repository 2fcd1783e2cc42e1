import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import type { FastifyInstance } from 'fastify'
import { isUiLanguage } from '../domain/languages.ts'
import { translator } from '../i18n/index.ts'
import { page } from '../http/render.tsx'
import { CACHE_KEY_HEADER, OFFLINE_HEADER, workerScript } from '../http/offline.ts'
import { ASSET_VERSION } from '../views/assets.ts'
import { THEME_COLOR } from '../views/offline.tsx'
import { LinkButton } from '../views/form.tsx'
import { Speak } from '../views/speak.tsx'
import { SESSION_COOKIE } from '../sessions/service.ts'
import { offlineCacheKey } from './key.ts'

/** Read once: the worker's bytes change only with a deploy, and the browser compares them on each update check. */
const WORKER = readFileSync(fileURLToPath(new URL('../../public/sw.js', import.meta.url)), 'utf8')
const DEADLINE = 'var NAV_TIMEOUT_MS = 4000'

/**
 * The installable app: the service worker at /sw.js (scope /), the manifest in the person's language, the
 * offline fallback page, and the headers that tell the worker what it may keep and for which session.
 */
export function offlineRoutes(app: FastifyInstance, deps: { cookieSecret: string; deadlineMs: number }): void {
  if (!WORKER.includes(DEADLINE)) throw new Error(`public/sw.js must declare "${DEADLINE}"`)
  const worker = WORKER.replace(DEADLINE, `var NAV_TIMEOUT_MS = ${deps.deadlineMs}`)
  app.addHook('onSend', async (req, reply) => {
    const token = req.cookies[SESSION_COOKIE]
    const key = req.user && token ? offlineCacheKey(deps.cookieSecret, token) : ''
    const marked = reply.hasHeader(OFFLINE_HEADER)
    // Only a signed-in person's own answers are kept, and never a failure.
    if (marked && (!key || (reply.statusCode !== 200 && reply.statusCode !== 206))) reply.removeHeader(OFFLINE_HEADER)
    if (marked || String(reply.getHeader('content-type') ?? '').startsWith('text/html')) {
      reply.header(CACHE_KEY_HEADER, key).header('content-language', req.lang)
    }
  })

  // Fetched by the browser's service-worker machinery only; no-cache so an update is seen at the next visit.
  const sendWorker = workerScript(worker)
  app.get('/sw.js', (req, reply) => sendWorker(req, reply.header('service-worker-allowed', '/')))

  app.get<{ Querystring: { lang?: string } }>('/manifest.webmanifest', (req, reply) => {
    const lang = isUiLanguage(req.query.lang) ? req.query.lang : req.lang
    const t = translator(lang)
    const icon = (name: string, sizes: string, type: string) => ({ src: `/static/icons/${name}?v=${ASSET_VERSION}`, sizes, type, purpose: 'any' })
    return reply
      .type('application/manifest+json; charset=utf-8')
      .header('cache-control', 'public, max-age=86400')
      .send({
        id: '/',
        name: t('offline.app_name'),
        short_name: t('offline.app_short'),
        description: t('offline.app_description'),
        lang,
        dir: 'ltr',
        start_url: '/',
        scope: '/',
        display: 'standalone',
        background_color: '#fffdf8',
        theme_color: THEME_COLOR,
        icons: [icon('icon.svg', 'any', 'image/svg+xml'), icon('icon-192.png', '192x192', 'image/png'), icon('icon-512.png', '512x512', 'image/png')]
      })
  })

  // What the worker shows for a page it never stored. It keeps one copy per language, so the page is
  // the same for everyone: nobody's header, notices or session in it.
  app.get<{ Querystring: { lang?: string } }>('/offline', (req, reply) => {
    if (isUiLanguage(req.query.lang)) req.lang = req.query.lang
    req.user = null
    req.unreadNotices = 0
    return page(req, reply, { title: 'offline.fallback_title', titleSlug: 'offline.fallback_title' }, (ctx) => (
      <>
        <p class="alert error">
          <Speak slug="offline.fallback" text={ctx.t('offline.fallback')} ctx={ctx} />
        </p>
        <p>
          <Speak slug="offline.fallback_hint" text={ctx.t('offline.fallback_hint')} ctx={ctx} />
        </p>
        <p class="row">
          <LinkButton ctx={ctx} href="/" slug="nav.home" text={ctx.t('nav.home')} kind="primary" />
        </p>
      </>
    ))
  })
}
