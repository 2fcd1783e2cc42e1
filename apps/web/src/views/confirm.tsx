import type { ViewCtx } from './context.ts'
import { Csrf, LinkButton, Submit } from './form.tsx'
import { Speak } from './speak.tsx'

/**
 * The confirmation step before an irreversible action: says in words (with a speaker) what will happen
 * to the money, then a plain POST form (works without JavaScript) and a way back. The page that shows it
 * is a GET; only the POST does the action. `children` are the form's own fields (e.g. a reason).
 */
export function ConfirmForm(p: {
  ctx: ViewCtx
  action: string
  /** What happens to the money, in words, and its speaker's slug. */
  money: string
  moneySlug: string
  button: string
  buttonSlug: string
  back: string
  kind?: 'primary' | 'danger'
  multipart?: boolean
  fields?: Record<string, string>
  children?: JSX.Element | JSX.Element[] | string
}): JSX.Element {
  const { t, csrf } = p.ctx
  return (
    <section class="card stack" aria-labelledby="confirm-h">
      <h2 id="confirm-h" data-audio-slug="review.confirm.heading" safe>
        {t('review.confirm.heading')}
      </h2>
      <div class="alert" data-confirm-money>
        <Speak slug={p.moneySlug} text={p.money} ctx={p.ctx} />
      </div>
      <form method="post" action={p.action} class="stack" enctype={p.multipart ? 'multipart/form-data' : undefined}>
        <Csrf token={csrf} />
        {Object.entries(p.fields ?? {}).map(([k, v]) => (
          <input type="hidden" name={k} value={v} />
        ))}
        {p.children ?? ''}
        <div class="row">
          <Submit ctx={p.ctx} slug={p.buttonSlug} text={p.button} kind={p.kind ?? 'primary'} />
          <LinkButton ctx={p.ctx} href={p.back} slug="review.confirm.back" text={t('review.confirm.back')} />
        </div>
      </form>
    </section>
  )
}
