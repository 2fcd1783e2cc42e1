import { Speak } from '../../../views/speak.tsx'
import type { ViewCtx } from '../../../views/context.ts'
import type { Result, WebhookDelivery } from '../../../payments-client/types.ts'
import { dateTime } from '../../../views/format.ts'
import { AdminNav } from './parts.tsx'

export function AdminWebhooks(p: { ctx: ViewCtx; sent: Result<WebhookDelivery[]>; received: Array<{ id: string; type: string; receivedAt: Date }> }): JSX.Element {
  const { ctx } = p
  const { t } = ctx
  return (
    <>
      <AdminNav ctx={ctx} current="webhooks" />
      <section aria-labelledby="sent-h">
        <h2 id="sent-h" safe>
          {t('admin.webhooks.sent')}
        </h2>
        {!p.sent.ok ? (
          <p class="alert error" role="alert">
            <Speak slug="errors.payments_unavailable" text={t('errors.payments_unavailable')} ctx={ctx} />
          </p>
        ) : p.sent.value.length === 0 ? (
          <p safe>{t('common.none')}</p>
        ) : (
          <div class="table-wrap" tabindex="0" role="region" aria-labelledby="sent-h">
            <table class="stacked">
              <thead>
                <tr>
                  <th scope="col" safe>{t('admin.webhooks.event')}</th>
                  <th scope="col" safe>{t('admin.webhooks.attempt')}</th>
                  <th scope="col" safe>{t('admin.webhooks.result')}</th>
                  <th scope="col" safe>{t('admin.money.when')}</th>
                </tr>
              </thead>
              <tbody>
                {p.sent.value.map((d) => (
                  <tr data-delivery={d.id} data-delivery-ok={String(d.error === null)}>
                    <td data-label={t('admin.webhooks.event')}>
                      <span>
                        <span safe>{d.type}</span> <span class="hint mono" safe>{d.eventId}</span>
                      </span>
                    </td>
                    <td data-label={t('admin.webhooks.attempt')} safe>{String(d.attempt)}</td>
                    <td data-label={t('admin.webhooks.result')} safe>{d.error === null ? `${d.statusCode ?? ''} ${t('admin.webhooks.ok')} (${d.durationMs} ms)` : `${d.error}${d.eventDeliveredAt ? ` → ${t('admin.webhooks.delivered_later')}` : ''}`}</td>
                    <td data-label={t('admin.money.when')} safe>{dateTime(new Date(d.createdAt), ctx)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
      <section aria-labelledby="received-h">
        <h2 id="received-h" safe>
          {t('admin.webhooks.received')}
        </h2>
        {p.received.length === 0 ? (
          <p safe>{t('common.none')}</p>
        ) : (
          <ul>
            {p.received.map((r) => (
              <li data-received={r.id}>
                <span safe>{r.type}</span> <span class="hint mono" safe>{r.id}</span> <span safe>{dateTime(r.receivedAt, ctx)}</span>
              </li>
            ))}
          </ul>
        )}
      </section>
    </>
  )
}
