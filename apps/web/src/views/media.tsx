import type { ViewCtx } from './context.ts'
import type { MediaKind } from '../domain/deliverables.ts'

/**
 * An inline player for a stored file; the URL is checked on every request by the media route. `offline`
 * asks the service worker to keep the file with the page (a job's reference, public/sw.js).
 */
export function MediaPreview({ ctx, kind, id, offline }: { ctx: Pick<ViewCtx, 't'>; kind: MediaKind; id: string; offline?: boolean }): JSX.Element {
  const { t } = ctx
  const src = `/media/${id}`
  const keep = offline ? src : undefined
  if (kind === 'audio') return <audio controls="" preload="none" src={src} aria-label={t('media.audio')} data-offline-keep={keep}></audio>
  if (kind === 'video') return <video controls src={src} aria-label={t('media.video')} width="320" data-offline-keep={keep}></video>
  if (kind === 'image') return <img src={src} alt={t('media.image')} loading="lazy" width="320" data-offline-keep={keep} />
  return (
    <a href={src} data-audio-slug="media.text" data-offline-keep={keep} safe>
      {t('media.text')}
    </a>
  )
}
