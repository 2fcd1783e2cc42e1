import type { ViewCtx } from './context.ts'
import type { MediaKind } from '../domain/deliverables.ts'

/** An inline player for a stored file; the URL is checked on every request by the media route. */
export function MediaPreview({ ctx, kind, id }: { ctx: Pick<ViewCtx, 't'>; kind: MediaKind; id: string }): JSX.Element {
  const { t } = ctx
  const src = `/media/${id}`
  if (kind === 'audio') return <audio controls="" preload="none" src={src} aria-label={t('media.audio')}></audio>
  if (kind === 'video') return <video controls src={src} aria-label={t('media.video')} width="320"></video>
  if (kind === 'image') return <img src={src} alt={t('media.image')} loading="lazy" width="320" />
  return (
    <a href={src} data-audio-slug="media.text" safe>
      {t('media.text')}
    </a>
  )
}
