import type { ViewCtx } from '../../http/context.ts'
import { Csrf, Field, Submit } from '../../views/form.tsx'
import { AdminNav } from './parts.tsx'

/** /admin: where to go, and connecting the escrow wallet for payouts. */
export function AdminOverview({ ctx, done, assetCode }: { ctx: ViewCtx; done: string | undefined; assetCode: string }): JSX.Element {
  const { t } = ctx
  return (
    <>
      <AdminNav ctx={ctx} current="overview" done={done} />
      <section class="card" aria-labelledby="escrow-h">
        <h2 id="escrow-h" data-audio-slug="admin.escrow.title" safe>
          {t('admin.escrow.title')}
        </h2>
        <p safe>{t('admin.escrow.explain')}</p>
        <form method="post" action="/admin/escrow/connect">
          <Csrf token={ctx.csrf} />
          <Field
            t={t}
            name="debitLimit"
            slug="admin.escrow.limit"
            label={`${t('admin.escrow.limit')} (${assetCode})`}
            value="5000.00"
            required
            hint={t('admin.escrow.limit_hint')}
            autocomplete="off"
          />
          <Field t={t} name="interval" slug="admin.escrow.interval" label={t('admin.escrow.interval')} hint={t('admin.escrow.interval_hint')} autocomplete="off" />
          <Submit t={t} slug="admin.escrow.connect" text={t('admin.escrow.connect')} />
        </form>
      </section>
    </>
  )
}
