import type { ViewCtx } from '../../views/context.ts'
import { PostButton } from '../../views/form.tsx'
import { Speak } from '../../views/speak.tsx'
import type { AudioClip, AudioRequest } from '../model.ts'
import type { Language } from '../../domain/languages.ts'

export interface QueueItem {
  clip: AudioClip
  text: string | null
  contributor: string
}

/** The admins' review queue: listen, publish or reject; and what people asked for. */
export function QueuePage(p: {
  ctx: ViewCtx
  items: QueueItem[]
  published: QueueItem[]
  requests: AudioRequest[]
  coverage: { language: Language; count: number }[]
  done?: string | undefined
}): JSX.Element {
  const { ctx, items, published, requests, coverage, done } = p
  const { t, csrf } = ctx
  return (
    <div class="stack">
      {done === 'published' || done === 'rejected' || done === 'withdrawn' ? (
        <p class="alert ok" role="status">
          <Speak slug={`audio.${done}`} text={t(`audio.${done}`)} ctx={ctx} />
        </p>
      ) : (
        ''
      )}
      {items.length === 0 ? (
        <p safe>{t('audio.queue_empty')}</p>
      ) : (
        <ul class="cards">
          {items.map(({ clip, text, contributor }) => (
            <li class="card stack" data-clip={clip.id}>
              <p>
                <strong safe>{text ?? clip.target}</strong>
                <br />
                <span class="badge" safe>
                  {t(`languages.${clip.language}`)}
                </span>{' '}
                <code safe>{clip.target}</code>
              </p>
              <p safe>{`${t('audio.contributor')}: ${contributor}`}</p>
              <audio controls="" preload="none" src={`/audio/clips/${clip.id}`} aria-label={`${text ?? clip.target} (${t(`languages.${clip.language}`)})`}></audio>
              <p class="row">
                <PostButton ctx={ctx} csrf={csrf} action={`/admin/audio/${clip.id}/publish`} slug="audio.publish" text={t('audio.publish')} />
                <PostButton ctx={ctx} csrf={csrf} action={`/admin/audio/${clip.id}/reject`} slug="audio.reject" text={t('audio.reject')} kind="danger" />
              </p>
            </li>
          ))}
        </ul>
      )}
      <p data-coverage={coverage.map((c) => `${c.language}:${c.count}`).join(' ')} safe>
        {`${t('audio.coverage')}: ${coverage.length ? coverage.map((c) => `${t(`languages.${c.language}`)} ${c.count}`).join(', ') : '0'}`}
      </p>
      <section aria-labelledby="audio-published" class="stack">
        <h2 id="audio-published">
          <Speak slug="audio.recently_published" text={t('audio.recently_published')} ctx={ctx} />
        </h2>
        {published.length === 0 ? (
          <p safe>{t('common.none')}</p>
        ) : (
          <ul class="cards">
            {published.map(({ clip, text, contributor }) => (
              <li class="card stack" data-published={clip.id}>
                <p>
                  <strong safe>{text ?? clip.target}</strong>{' '}
                  <span class="badge" safe>
                    {t(`languages.${clip.language}`)}
                  </span>
                </p>
                <p safe>{`${t('audio.contributor')}: ${contributor}`}</p>
                <audio controls="" preload="none" src={`/audio/clips/${clip.id}`} aria-label={`${text ?? clip.target} (${t(`languages.${clip.language}`)})`}></audio>
                <PostButton ctx={ctx} csrf={csrf} action={`/admin/audio/${clip.id}/withdraw`} slug="audio.withdraw" text={t('audio.withdraw')} kind="danger" />
              </li>
            ))}
          </ul>
        )}
      </section>
      <section aria-labelledby="audio-requests">
        <h2 id="audio-requests">
          <Speak slug="audio.open_requests" text={t('audio.open_requests')} ctx={ctx} />
        </h2>
        {requests.length === 0 ? (
          <p safe>{t('common.none')}</p>
        ) : (
          <ul>
            {requests.map((r) => (
              <li data-request={r.id}>
                <a href={`/audio/contribute?target=${encodeURIComponent(r.target)}`} data-audio-slug={r.target} safe>
                  {r.target}
                </a>{' '}
                <span safe>{`(${t(`languages.${r.language}`)})`}</span>
              </li>
            ))}
          </ul>
        )}
      </section>
    </div>
  )
}
