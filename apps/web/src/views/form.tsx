import { Speak, SpeakButton, type Voice } from './speak.tsx'
import type { Problem } from '../domain/problems.ts'
import type { MediaKind } from '../domain/deliverables.ts'
import { MediaPreview } from './media.tsx'

export type { Problem }

export function problemText(ctx: Voice, p: Problem): string {
  return p.max === undefined ? ctx.t(`errors.${p.code}`) : ctx.t(`errors.${p.code}`, { max: p.max })
}

/** The props that mark one field of a refused form (spread into <Field>): its first problem. */
export function fieldError(ctx: Voice, problems: readonly Problem[] | undefined, field: string): { error?: string; errorSlug?: string } {
  const p = problems?.find((x) => x.field === field)
  return p ? { error: problemText(ctx, p), errorSlug: `errors.${p.code}` } : {}
}

interface FieldProps {
  ctx: Voice
  name: string
  slug: string
  label: string
  type?: string
  value?: string | number | undefined
  required?: boolean
  error?: string | undefined
  /** The speaker of the error message (the error's i18n key). */
  errorSlug?: string | undefined
  hint?: string | undefined
  /** The most characters the field takes (the database column's limit; the server checks it too). */
  maxlength?: number | undefined
  autocomplete?: string
  multiline?: boolean
  min?: string
  max?: string
  step?: string
  accept?: string
}

/** A labelled input with its speaker button, hint and error, all tied together for screen readers. */
export function Field(p: FieldProps): JSX.Element {
  const id = `f-${p.name}`
  const describedBy = [p.hint ? `${id}-hint` : '', p.error ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined
  return (
    <div class={p.error ? 'field has-error' : 'field'}>
      <div class="label-row">
        <label for={id} data-audio-slug={p.slug} safe>
          {p.label}
        </label>
        <SpeakButton slug={p.slug} text={p.label} ctx={p.ctx} />
      </div>
      {p.hint ? (
        <p class="hint" id={`${id}-hint`} safe>
          {p.hint}
        </p>
      ) : (
        ''
      )}
      {p.error ? (
        <p class="error" id={`${id}-error`}>
          <Speak slug={p.errorSlug ?? 'errors.invalid_input'} text={p.error} ctx={p.ctx} />
        </p>
      ) : (
        ''
      )}
      {p.multiline ? (
        <textarea
          id={id}
          name={p.name}
          required={p.required}
          aria-describedby={describedBy}
          aria-invalid={p.error ? 'true' : undefined}
          maxlength={p.maxlength === undefined ? undefined : String(p.maxlength)}
          rows="5"
          data-audio-slug={p.slug}
          safe
        >
          {String(p.value ?? '')}
        </textarea>
      ) : (
        <input
          id={id}
          name={p.name}
          data-audio-slug={p.slug}
          type={p.type ?? 'text'}
          value={p.value === undefined ? undefined : String(p.value)}
          required={p.required}
          aria-describedby={describedBy}
          aria-invalid={p.error ? 'true' : undefined}
          maxlength={p.maxlength === undefined ? undefined : String(p.maxlength)}
          autocomplete={p.autocomplete}
          min={p.min}
          max={p.max}
          step={p.step}
          accept={p.accept}
        />
      )}
    </div>
  )
}

export function Select(p: {
  ctx: Voice
  name: string
  slug: string
  label: string
  value?: string | undefined
  options: { value: string; label: string }[]
  /** When two forms of a page have a field of the same name (each label must name its own). */
  id?: string
  error?: string | undefined
  errorSlug?: string | undefined
}): JSX.Element {
  const id = p.id ?? `f-${p.name}`
  return (
    <div class={p.error ? 'field has-error' : 'field'}>
      <div class="label-row">
        <label for={id} data-audio-slug={p.slug} safe>
          {p.label}
        </label>
        <SpeakButton slug={p.slug} text={p.label} ctx={p.ctx} />
      </div>
      {p.error ? (
        <p class="error" id={`${id}-error`}>
          <Speak slug={p.errorSlug ?? 'errors.invalid_input'} text={p.error} ctx={p.ctx} />
        </p>
      ) : (
        ''
      )}
      <select id={id} name={p.name} data-audio-slug={p.slug} aria-invalid={p.error ? 'true' : undefined} aria-describedby={p.error ? `${id}-error` : undefined}>
        {p.options.map((o) => (
          <option value={o.value} selected={o.value === p.value} safe>
            {o.label}
          </option>
        ))}
      </select>
    </div>
  )
}

export function Checkboxes(p: {
  ctx: Voice
  name: string
  slug: string
  legend: string
  values: readonly string[]
  options: { value: string; label: string }[]
  type?: 'checkbox' | 'radio'
  error?: string | undefined
  errorSlug?: string | undefined
}): JSX.Element {
  const id = `f-${p.name}`
  return (
    <fieldset class={p.error ? 'choices has-error' : 'choices'} id={id} tabindex="-1" aria-describedby={p.error ? `${id}-error` : undefined}>
      <legend>
        <span data-audio-slug={p.slug} safe>
          {p.legend}
        </span>
      </legend>
      <SpeakButton slug={p.slug} text={p.legend} ctx={p.ctx} />
      {p.error ? (
        <p class="error" id={`${id}-error`}>
          <Speak slug={p.errorSlug ?? 'errors.invalid_input'} text={p.error} ctx={p.ctx} />
        </p>
      ) : (
        ''
      )}
      {p.options.map((o) => (
        // Each option has its own speaker: someone who cannot read hears which choice is which.
        <div class="choice-row">
          <label class="choice">
            <input type={p.type ?? 'checkbox'} name={p.name} value={o.value} checked={p.values.includes(o.value)} data-audio-slug={`${p.slug}.${o.value}`} />
            <span data-audio-slug={`${p.slug}.${o.value}`} safe>
              {o.label}
            </span>
          </label>
          <SpeakButton slug={`${p.slug}.${o.value}`} text={o.label} ctx={p.ctx} />
        </div>
      ))}
    </fieldset>
  )
}

/** A submit button with its speaker; `name`/`value` let one form carry several actions. */
export function Submit(p: {
  ctx: Voice
  slug: string
  text: string
  name?: string
  value?: string
  kind?: 'primary' | 'secondary' | 'danger'
}): JSX.Element {
  return (
    <span class="with-speak">
      <button type="submit" class={`btn ${p.kind ?? 'primary'}`} name={p.name} value={p.value} data-audio-slug={p.slug}>
        <span safe>{p.text}</span>
      </button>
      <SpeakButton slug={p.slug} text={p.text} ctx={p.ctx} />
    </span>
  )
}

export function Csrf({ token }: { token: string }): JSX.Element {
  return <input type="hidden" name="_csrf" value={token} />
}

/** A one-button POST form: every state change is a POST with a CSRF token, never a link. */
export function PostButton(p: {
  ctx: Voice
  csrf: string
  action: string
  slug: string
  text: string
  kind?: 'primary' | 'secondary' | 'danger'
  fields?: Record<string, string>
}): JSX.Element {
  return (
    <form method="post" action={p.action} class="inline">
      <Csrf token={p.csrf} />
      {Object.entries(p.fields ?? {}).map(([k, v]) => (
        <input type="hidden" name={k} value={v} />
      ))}
      <Submit ctx={p.ctx} slug={p.slug} text={p.text} kind={p.kind ?? 'primary'} />
    </form>
  )
}

export function LinkButton(p: { ctx: Voice; href: string; slug: string; text: string; kind?: string }): JSX.Element {
  return (
    <span class="with-speak">
      <a class={`btn ${p.kind ?? 'secondary'}`} href={p.href} data-audio-slug={p.slug} safe>
        {p.text}
      </a>
      <SpeakButton slug={p.slug} text={p.text} ctx={p.ctx} />
    </span>
  )
}

/**
 * Every problem of a refused form at once, at its top: each message with its speaker, and a link to
 * its field. `message` alone is one problem of the whole form (older callers).
 */
export function ErrorSummary(p: { ctx?: Voice; message?: string | undefined; problems?: readonly Problem[] | undefined }): JSX.Element {
  const problems = p.problems ?? []
  if (!p.message && problems.length === 0) return ''
  if (!p.ctx) {
    return (
      <div class="alert error" role="alert" safe>
        {p.message}
      </div>
    )
  }
  const ctx = p.ctx
  return (
    <div class="alert error error-summary" role="alert" id="error-summary" tabindex="-1">
      {p.message ? <Speak slug="errors.invalid_input" text={p.message} ctx={ctx} /> : <Speak slug="forms.summary" text={ctx.t('forms.summary')} ctx={ctx} />}
      {problems.length > 0 ? (
        <ul class="error-list">
          {problems.map((x) => {
            const text = problemText(ctx, x)
            return (
              <li class="with-speak">
                {x.field ? (
                  <a href={`#f-${x.field}`} data-audio-slug={`errors.${x.code}`} safe>
                    {text}
                  </a>
                ) : (
                  <span data-audio-slug={`errors.${x.code}`} safe>
                    {text}
                  </span>
                )}
                <SpeakButton slug={`errors.${x.code}`} text={text} ctx={ctx} />
              </li>
            )
          })}
        </ul>
      ) : (
        ''
      )}
    </div>
  )
}

/**
 * A file kept from a refused try (media/kept.ts): heard or seen again, said aloud that it is kept, and
 * sent with the form by its id. Placed just before the file input it stands for.
 */
export function KeptFile(p: { ctx: Voice; name: string; kind: MediaKind; id: string | undefined }): JSX.Element {
  if (!p.id) return ''
  return (
    <div class="kept" data-kept={p.name}>
      <Speak slug="forms.kept" text={p.ctx.t('forms.kept')} ctx={p.ctx} />
      <MediaPreview ctx={p.ctx} kind={p.kind} id={p.id} />
      <p class="hint" safe>
        {p.ctx.t('forms.kept_hint')}
      </p>
      <input type="hidden" name={`${p.name}Kept`} value={p.id} />
    </div>
  )
}
