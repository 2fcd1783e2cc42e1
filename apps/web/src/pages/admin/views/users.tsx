import type { ViewCtx } from '../../../views/context.ts'
import type { User } from '../../../domain/user.ts'
import { Csrf, Field, LinkButton, PostButton, Select, Submit } from '../../../views/form.tsx'
import { AdminNav, Pager } from './parts.tsx'

function role(u: User): 'funder' | 'creator' | 'both' {
  return u.isFunder && u.isCreator ? 'both' : u.isCreator ? 'creator' : 'funder'
}

export function AdminUsers(p: { ctx: ViewCtx; users: User[]; q: string; page: number; hasMore: boolean; done: string | undefined }): JSX.Element {
  const { ctx } = p
  const { t } = ctx
  const roles = (['funder', 'creator', 'both'] as const).map((r) => ({ value: r, label: t(`roles.${r}`) }))
  return (
    <>
      <AdminNav ctx={ctx} current="users" done={p.done} />
      <form method="get" action="/admin/users" role="search" class="card">
        <Field ctx={ctx} name="q" slug="admin.users.search" label={t('admin.users.search')} value={p.q} type="search" />
        <Submit ctx={ctx} slug="admin.users.search_submit" text={t('admin.users.search_submit')} kind="secondary" />
      </form>
      {p.users.length === 0 ? (
        <p safe>{t('common.none')}</p>
      ) : (
        <ul class="cards">
          {p.users.map((u) => (
            <li class="card" data-user={u.username} data-disabled={String(u.disabled)}>
              <h2>
                <span safe>{u.displayName}</span> <span class="hint" safe>{`@${u.username}`}</span>
              </h2>
              <p class="row">
                {u.isAdmin ? <span class="badge" safe>{t('admin.users.is_admin')}</span> : ''}
                {u.disabled ? <span class="badge" safe>{t('admin.users.is_disabled')}</span> : ''}
              </p>
              <form method="post" action={`/admin/users/${u.id}/role`}>
                <Csrf token={ctx.csrf} />
                <Select ctx={ctx} name={`role-${u.id}`} slug="admin.users.role" label={`${t('admin.users.role')} (${u.username})`} value={role(u)} options={roles} />
                <Submit ctx={ctx} slug="admin.users.save_role" text={t('admin.users.save_role')} kind="secondary" />
              </form>
              {u.disabled ? (
                <PostButton ctx={ctx} csrf={ctx.csrf} action={`/admin/users/${u.id}/enable`} slug="admin.users.enable" text={t('admin.users.enable')} kind="secondary" />
              ) : (
                <LinkButton ctx={ctx} href={`/admin/users/${u.id}/disable`} slug="admin.users.disable" text={t('admin.users.disable')} kind="danger" />
              )}
            </li>
          ))}
        </ul>
      )}
      <Pager ctx={ctx} path="/admin/users" params={{ q: p.q }} page={p.page} hasMore={p.hasMore} />
    </>
  )
}
