import type { ViewCtx } from './context.ts'
import { Speak } from './speak.tsx'

/** What the service worker (public/sw.js) writes into the banner of a page served from its cache. */
export const OFFLINE_TOKENS = { time: '%TIME%', ago: '%AGO%' } as const

/**
 * The offline-copy banner every page carries, hidden. Online it is never shown; when public/sw.js serves
 * a stored copy it removes `hidden` and writes the time the copy was stored (in the page's language and
 * the person's time zone, read from the data attributes) over the tokens, in the words and in the speaker.
 */
export function OfflineBanner({ ctx }: { ctx: ViewCtx }): JSX.Element {
  return (
    <div id="offline-banner" class="alert offline" role="status" hidden data-offline-lang={ctx.lang} data-offline-tz={ctx.timeZone}>
      <span aria-hidden="true">📴</span>
      <Speak slug="offline.banner" text={ctx.t('offline.banner', OFFLINE_TOKENS)} ctx={ctx} />
    </div>
  )
}

/** The web app manifest, the app's colour and icons: the phone may install the site as an app. */
export function AppHead({ ctx, version }: { ctx: Pick<ViewCtx, 'lang'>; version: string }): JSX.Element {
  return (
    <>
      <link rel="manifest" href={`/manifest.webmanifest?lang=${ctx.lang}`} />
      <meta name="theme-color" content={THEME_COLOR} />
      <link rel="icon" href={`/static/icons/icon.svg?v=${version}`} type="image/svg+xml" />
      <link rel="apple-touch-icon" href={`/static/icons/icon-192.png?v=${version}`} />
    </>
  )
}

export const THEME_COLOR = '#14532d'
