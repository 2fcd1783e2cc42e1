import type { ViewCtx } from './context.ts'
import { htmlLang } from '../domain/languages.ts'

/** What a speaker needs of the page: its words in the viewer's language, and this request's recordings. */
export type Voice = Pick<ViewCtx, 't' | 'recordings'>

/**
 * The one speaker button. `data-speak` (and the `data-audio-slug` of the label beside it) is the
 * stable target that recordings attach to. Where the listener's languages have a recording the
 * speaker is a plain link to it (works without JavaScript; app.js plays it in place); elsewhere a
 * button that app.js answers with speech synthesis, saying it is not recorded yet. Every speaker of
 * a page asks `ctx.recordings` while the page is built, and they are all answered by one lookup.
 */
export function SpeakButton({ slug, text, ctx }: { slug: string; text: string; ctx: Voice }): JSX.Element {
  const label = `${ctx.t('common.listen')}: ${text}`
  return ctx.recordings(slug).then((heard) => {
    if (!heard) {
      return (
        <button type="button" class="speak" data-speak={slug} data-speak-text={speechText(text)} aria-label={label}>
          <span aria-hidden="true">🔊</span>
        </button>
      )
    }
    const src = `/audio/clips/${heard.clipId}`
    return (
      <a
        class="speak"
        href={src}
        data-speak={slug}
        data-audio-src={src}
        data-audio-lang={heard.language}
        lang={htmlLang(heard.language)}
        aria-label={`${label} (${ctx.t(`languages.${heard.language}`)})`}
      >
        <span aria-hidden="true">🔊</span>
      </a>
    )
  })
}

export function Speak({ slug, text, ctx }: { slug: string; text: string; ctx: Voice }): JSX.Element {
  return (
    <span class="with-speak">
      <span data-audio-slug={slug} safe>
        {text}
      </span>
      <SpeakButton slug={slug} text={text} ctx={ctx} />
    </span>
  )
}

/**
 * What speech synthesis is given: the words only. Emoji, pictographs and symbols (🎙️, →, ·, ✓) are read
 * aloud by synthesisers as their names, so they are dropped; the button carries this text
 * (`data-speak-text`) rather than the element's textContent, which includes badges and counts.
 */
export function speechText(text: string): string {
  return text
    .replace(/[\p{Extended_Pictographic}\p{So}\p{Sk}\p{Sm}]/gu, ' ')
    // Joiners and variation selectors left behind by the emoji removed above.
    .replace(/\u200d|\ufe0f|\u20e3/gu, '')
    .replace(/[·•|_*#~^<>[\]{}]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
}
