import { createHash, randomUUID } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import type { ViewCtx } from '../../views/context.ts'
import { Speak, SpeakButton } from '../../views/speak.tsx'

/** The page side of the queue and the part the service worker imports (both also run in the page). */
export const OUTBOX_JS = fileURLToPath(new URL('../../../public/outbox.js', import.meta.url))
export const SW_OUTBOX_JS = fileURLToPath(new URL('../../../public/sw-outbox.js', import.meta.url))
export const OUTBOX_VERSION = createHash('sha256').update(readFileSync(OUTBOX_JS)).update(readFileSync(SW_OUTBOX_JS)).digest('hex').slice(0, 10)

/**
 * The form's idempotency key. Made here for the plain form (a double press sends one thing); the page's
 * outbox replaces it with a key of its own for each item it keeps on the phone.
 */
export function OutboxKey(): JSX.Element {
  return <input type="hidden" name="idempotencyKey" value={randomUUID()} />
}

function Button({ ctx, slug, act, kind = 'secondary', when }: { ctx: ViewCtx; slug: string; act: string; kind?: string; when?: string }): JSX.Element {
  const text = ctx.t(slug)
  return (
    <span class="with-speak" data-when={when}>
      <button type="button" class={`btn ${kind}`} data-outbox-act={act} data-audio-slug={slug}>
        <span safe>{text}</span>
      </button>
      <SpeakButton slug={slug} text={text} ctx={ctx} />
    </span>
  )
}

/**
 * What public/outbox.js shows of the items kept on this phone (the server cannot know them): an empty
 * live region, and the pieces it fills it with in the person's language, each with its speaker.
 * `%n` is replaced by the count. Loaded only on the pages that queue or list (submit, apply,
 * contribute, home and pending work).
 */
export function OutboxPanel({ ctx }: { ctx: ViewCtx }): JSX.Element {
  const { t } = ctx
  return (
    <>
      <section class="card outbox" data-outbox-list data-owner={ctx.user?.id ?? ''} data-csrf={ctx.csrf} aria-live="polite" aria-labelledby="outbox-h" hidden>
        <h2 id="outbox-h">
          <span aria-hidden="true">📱 </span>
          <Speak slug="outbox.title" text={t('outbox.title')} ctx={ctx} />
        </h2>
        <p data-outbox-count></p>
        <ul class="cards" data-outbox-items></ul>
      </section>
      <template data-outbox-template>
        <p data-part="count">
          <Speak slug="outbox.waiting" text={t('outbox.waiting')} ctx={ctx} />
        </p>
        <li class="card" data-part="item">
          <p>
            <strong data-outbox-label></strong>
          </p>
          <p data-outbox-state="waiting">
            <span aria-hidden="true">⏳ </span>
            <Speak slug="outbox.item_waiting" text={t('outbox.item_waiting')} ctx={ctx} />
          </p>
          <div class="alert error" data-outbox-state="refused">
            <Speak slug="outbox.item_refused" text={t('outbox.item_refused')} ctx={ctx} />
            <div data-outbox-reason></div>
          </div>
          <div class="row" data-outbox-media></div>
          <div class="row" data-outbox-buttons>
            <Button ctx={ctx} slug="outbox.cancel" act="ask" when="waiting" />
            <Button ctx={ctx} slug="outbox.discard" act="ask" when="refused" />
            <span class="with-speak" data-when="refused">
              <a class="btn secondary" href="#" data-outbox-download download="recording.webm" data-audio-slug="outbox.download" safe>
                {t('outbox.download')}
              </a>
              <SpeakButton slug="outbox.download" text={t('outbox.download')} ctx={ctx} />
            </span>
          </div>
          <div class="stack" data-outbox-confirm hidden>
            <p>
              <Speak slug="outbox.confirm" text={t('outbox.confirm')} ctx={ctx} />
            </p>
            <div class="row">
              <Button ctx={ctx} slug="outbox.delete" act="delete" kind="danger" />
              <Button ctx={ctx} slug="outbox.keep" act="keep" />
            </div>
          </div>
        </li>
      </template>
      <script src={`/static/sw-outbox.js?v=${OUTBOX_VERSION}`} defer></script>
      <script src={`/static/outbox.js?v=${OUTBOX_VERSION}`} defer></script>
    </>
  )
}
