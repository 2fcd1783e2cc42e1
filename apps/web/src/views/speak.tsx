import type { T } from '../i18n/index.ts'

/**
 * The one "label with speaker" component. `data-audio-slug` is the stable id that recorded audio
 * attaches to: after a page is rendered, audio/attach.ts finds these buttons by their exact markup,
 * loads every recording they need at once and turns recorded ones into links to the clip. Until a
 * recording exists, app.js speaks the text with speech synthesis and says it is not recorded yet.
 */
export function SpeakButton({ slug, text, t }: { slug: string; text: string; t: T }): JSX.Element {
  return (
    <button type="button" class="speak" data-speak={slug} aria-label={`${t('common.listen')}: ${text}`}>
      <span aria-hidden="true">🔊</span>
    </button>
  )
}

export function Speak({ slug, text, t }: { slug: string; text: string; t: T }): JSX.Element {
  return (
    <span class="with-speak">
      <span data-audio-slug={slug} safe>
        {text}
      </span>
      <SpeakButton slug={slug} text={text} t={t} />
    </span>
  )
}
