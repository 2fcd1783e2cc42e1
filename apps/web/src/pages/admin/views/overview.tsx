import type { ViewCtx } from '../../../views/context.ts'
import { Csrf, Field, LinkButton, Submit } from '../../../views/form.tsx'
import { Speak } from '../../../views/speak.tsx'
import { AdminNav } from './parts.tsx'

/** /admin: where to go, and connecting the escrow wallet for payouts. */
export function AdminOverview({ ctx, done, assetCode, consentUrl }: { ctx: ViewCtx; done: string | undefined; assetCode: string; consentUrl?: string }): JSX.Element {
  const { t } = ctx
  return (
    <>
      <AdminNav ctx={ctx} current="overview" done={done} />
      <section class="card" aria-labelledby="escrow-h">
        <h2 id="escrow-h" data-audio-slug="admin.escrow.title" safe>
          {t('admin.escrow.title')}
        </h2>
        <p safe>{t('admin.escrow.explain')}</p>
        {consentUrl ? (
          <div class="alert ok" role="status" id="escrow-consent">
            <p>
              <Speak slug="admin.escrow.ready" text={t('admin.escrow.ready')} ctx={ctx} />
            </p>
            <p>
              <LinkButton ctx={ctx} href={consentUrl} slug="admin.escrow.approve" text={t('admin.escrow.approve')} kind="primary" />
            </p>
          </div>
        ) : (
          ''
        )}
        <form method="post" action="/admin/escrow/connect">
          <Csrf token={ctx.csrf} />
          <Field
            ctx={ctx}
            name="debitLimit"
            slug="admin.escrow.limit"
            label={`${t('admin.escrow.limit')} (${assetCode})`}
            value="5000.00"
            required
            hint={t('admin.escrow.limit_hint')}
            autocomplete="off"
          />
          <Field ctx={ctx} name="interval" slug="admin.escrow.interval" label={t('admin.escrow.interval')} hint={t('admin.escrow.interval_hint')} autocomplete="off" />
          <Submit ctx={ctx} slug="admin.escrow.connect" text={t('admin.escrow.connect')} />
        </form>
      </section>
    </>
  )
}
