import type { ViewCtx } from '../../views/context.ts'
import { LANGUAGES, type Language } from '../../domain/languages.ts'
import { Csrf, ErrorSummary, Field, KeptFile, LinkButton, Select, Submit, fieldError, type Problem } from '../../views/form.tsx'
import { Speak } from '../../views/speak.tsx'
import { OutboxKey, OutboxPanel } from '../../outbox/views/outbox.tsx'
import type { AudioClip, AudioRequest } from '../model.ts'

export interface ContributeData {
  target: string
  text: string | null
  ready: Map<Language, string>
  waiting: AudioClip[]
  requests: AudioRequest[]
  language: Language
  sent: boolean
  asked: boolean
  back: string | null
  /** A refused try: its problems, and the recording kept from it (media/kept.ts). */
  problems?: readonly Problem[] | undefined
  kept?: string | undefined
}

/** One text of the site: what is recorded, what waits, and the forms to record, upload or ask. */
export function ContributePage({ ctx, d }: { ctx: ViewCtx; d: ContributeData }): JSX.Element {
  const { t, csrf, user } = ctx
  const languageOptions = LANGUAGES.map((l) => ({ value: l, label: t(`languages.${l}`) }))
  const back = `/audio/contribute?target=${encodeURIComponent(d.target)}`
  return (
    <div class="stack">
      {d.sent ? (
        <p class="alert ok" role="status">
          <Speak slug="audio.sent" text={t('audio.sent')} ctx={ctx} />
        </p>
      ) : (
        ''
      )}
      {d.asked ? (
        <p class="alert ok" role="status">
          <Speak slug="audio.asked" text={t('audio.asked')} ctx={ctx} />
        </p>
      ) : (
        ''
      )}
      {d.back ? (
        <p>
          <LinkButton ctx={ctx} href={d.back} slug="audio.back" text={t('audio.back')} />
        </p>
      ) : (
        ''
      )}
      <section class="card" aria-labelledby="audio-target">
        <h2 id="audio-target">
          <Speak slug="audio.target" text={t('audio.target')} ctx={ctx} />
        </h2>
        <p class="target-text" data-target={d.target}>
          {d.text ? <Speak slug={d.target} text={d.text} ctx={ctx} /> : <span safe>{`${t('audio.unknown_text')}: ${d.target}`}</span>}
        </p>
      </section>
      <section aria-labelledby="audio-recorded">
        <h2 id="audio-recorded">
          <Speak slug="audio.recorded" text={t('audio.recorded')} ctx={ctx} />
        </h2>
        {d.ready.size === 0 ? (
          <p safe>{t('audio.none_recorded')}</p>
        ) : (
          <ul class="stack">
            {[...d.ready].map(([lang, id]) => (
              <li data-ready-language={lang}>
                <span safe>{t(`languages.${lang}`)}</span>{' '}
                <audio controls="" preload="none" src={`/audio/clips/${id}`} aria-label={`${t('audio.recorded')}: ${t(`languages.${lang}`)}`}></audio>
              </li>
            ))}
          </ul>
        )}
        {d.waiting.length > 0 ? (
          <p safe>{`${t('audio.waiting')}: ${d.waiting.map((c) => t(`languages.${c.language}`)).join(', ')}`}</p>
        ) : (
          ''
        )}
        {d.requests.length > 0 ? (
          <p data-open-requests={d.requests.map((r) => r.language).join(' ')} safe>
            {`${t('audio.requested')}: ${d.requests.map((r) => t(`languages.${r.language}`)).join(', ')}`}
          </p>
        ) : (
          ''
        )}
      </section>
      {user ? (
        <form method="post" action="/audio/contribute" enctype="multipart/form-data" class="card stack" aria-labelledby="audio-record-title" novalidate data-outbox data-outbox-label={t('audio.record_title')}>
          <h2 id="audio-record-title">
            <Speak slug="audio.record_title" text={t('audio.record_title')} ctx={ctx} />
          </h2>
          <ErrorSummary ctx={ctx} problems={d.problems} />
          <Csrf token={csrf} />
          <OutboxKey />
          <input type="hidden" name="target" value={d.target} />
          {d.back ? <input type="hidden" name="next" value={d.back} /> : ''}
          <Select ctx={ctx} name="language" slug="audio.language" label={t('audio.language')} value={d.language} options={languageOptions} {...fieldError(ctx, d.problems, 'language')} />
          <div data-recorder>
            <KeptFile ctx={ctx} name="audio" kind="audio" id={d.kept} />
            <Field
              ctx={ctx}
              name="audio"
              type="file"
              accept="audio/*"
              slug="audio.file"
              label={t('audio.file')}
              hint={t('audio.file_hint')}
              required={!d.kept}
              {...fieldError(ctx, d.problems, 'audio')}
            />
          </div>
          <Submit ctx={ctx} slug="audio.send" text={t('audio.send')} />
        </form>
      ) : (
        ''
      )}
      {user ? (
        <OutboxPanel ctx={ctx} />
      ) : (
        <p>
          <LinkButton ctx={ctx} href={`/login?next=${encodeURIComponent(back)}`} slug="audio.login_to_record" text={t('audio.login_to_record')} kind="primary" />
        </p>
      )}
      <form method="post" action="/audio/requests" class="card stack" aria-labelledby="audio-ask-title">
        <h2 id="audio-ask-title">
          <Speak slug="audio.ask" text={t('audio.ask')} ctx={ctx} />
        </h2>
        <Csrf token={csrf} />
        <input type="hidden" name="target" value={d.target} />
        {d.back ? <input type="hidden" name="next" value={d.back} /> : ''}
        <Select ctx={ctx} name="language" id="f-ask-language" slug="audio.ask_language" label={t('audio.ask_language')} value={d.language} options={languageOptions} />
        <Submit ctx={ctx} slug="audio.ask" text={t('audio.ask')} kind="secondary" />
      </form>
    </div>
  )
}

/** Where a person chooses the language they hear. */
export function SettingsPage({ ctx, chosen, next, requests }: { ctx: ViewCtx; chosen: Language; next: string; requests: AudioRequest[] }): JSX.Element {
  const { t, csrf } = ctx
  return (
    <div class="stack">
      <p>
        <Speak slug="audio.intro" text={t('audio.intro')} ctx={ctx} />
      </p>
      <form method="post" action="/audio/language" class="card stack">
        <Csrf token={csrf} />
        <input type="hidden" name="next" value={next} />
        <Select
          ctx={ctx}
          name="language"
          slug="audio.my_language"
          label={t('audio.my_language')}
          value={chosen}
          options={LANGUAGES.map((l) => ({ value: l, label: t(`languages.${l}`) }))}
        />
        <p class="hint">
          <Speak slug="audio.my_language_hint" text={t('audio.my_language_hint')} ctx={ctx} />
        </p>
        <Submit ctx={ctx} slug="audio.choose" text={t('audio.choose')} />
      </form>
      <section aria-labelledby="audio-wanted">
        <h2 id="audio-wanted">
          <Speak slug="audio.open_requests" text={t('audio.open_requests')} ctx={ctx} />
        </h2>
        {requests.length === 0 ? (
          <p safe>{t('common.none')}</p>
        ) : (
          <ul class="stack">
            {requests.map((r) => (
              <li data-request={r.id}>
                <a href={`/audio/contribute?target=${encodeURIComponent(r.target)}`} data-audio-slug={r.target} safe>
                  {`${r.target} (${t(`languages.${r.language}`)})`}
                </a>
              </li>
            ))}
          </ul>
        )}
      </section>
    </div>
  )
}
