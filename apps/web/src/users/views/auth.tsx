import type { ViewCtx } from '../../views/context.ts'
import { Checkboxes, Csrf, ErrorSummary, Field, Submit, fieldError, type Problem } from '../../views/form.tsx'
import { LIMITS } from '../../domain/limits.ts'

export function RegisterForm(p: { ctx: ViewCtx; problems?: readonly Problem[]; values?: Record<string, string> }): JSX.Element {
  const { ctx } = p
  const { t, csrf } = ctx
  const v = p.values ?? {}
  const err = (f: string) => fieldError(ctx, p.problems, f)
  return (
    <form method="post" action="/register" class="stack" novalidate>
      <ErrorSummary ctx={ctx} problems={p.problems} />
      <Csrf token={csrf} />
      <Field ctx={ctx} name="username" slug="register.username" label={t('register.username')} hint={t('register.username_hint')} value={v.username} required autocomplete="username" maxlength={LIMITS.username} {...err('username')} />
      <Field ctx={ctx} name="displayName" slug="register.display_name" label={t('register.display_name')} value={v.displayName} autocomplete="name" maxlength={LIMITS.displayName} {...err('displayName')} />
      <Field ctx={ctx} name="password" type="password" slug="register.password" label={t('register.password')} hint={t('register.password_hint')} required autocomplete="new-password" maxlength={LIMITS.password} {...err('password')} />
      <Checkboxes
        {...err('role')}
        ctx={ctx}
        type="radio"
        name="role"
        slug="register.role"
        legend={t('register.role')}
        values={[v.role ?? 'creator']}
        options={[
          { value: 'creator', label: t('roles.creator') },
          { value: 'funder', label: t('roles.funder') },
          { value: 'both', label: t('roles.both') }
        ]}
      />
      <Submit ctx={ctx} slug="register.submit" text={t('register.submit')} />
    </form>
  )
}

export function LoginForm(p: { ctx: ViewCtx; problems?: readonly Problem[]; username?: string; next?: string }): JSX.Element {
  const { ctx } = p
  const { t, csrf } = ctx
  const err = (f: string) => fieldError(ctx, p.problems, f)
  return (
    <form method="post" action="/login" class="stack" novalidate>
      <ErrorSummary ctx={ctx} problems={p.problems} />
      <Csrf token={csrf} />
      <input type="hidden" name="next" value={p.next ?? '/dashboard'} />
      <Field ctx={ctx} name="username" slug="login.username" label={t('login.username')} value={p.username} required autocomplete="username" maxlength={LIMITS.username} {...err('username')} />
      <Field ctx={ctx} name="password" type="password" slug="login.password" label={t('login.password')} required autocomplete="current-password" maxlength={LIMITS.password} {...err('password')} />
      <Submit ctx={ctx} slug="login.submit" text={t('login.submit')} />
      <p>
        <a href="/register" data-audio-slug="login.no_account" safe>
          {t('login.no_account')}
        </a>
      </p>
    </form>
  )
}
