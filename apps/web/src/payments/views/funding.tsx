import type { ViewCtx } from '../../http/context.ts'
import type { Funding } from '../model.ts'
import type { Job } from '../../jobs/model.ts'
import { FINAL_FUNDING_STATES } from '../model.ts'
import { LinkButton, PostButton } from '../../views/form.tsx'
import { Speak } from '../../views/speak.tsx'
import { dateTime, money } from '../../views/format.ts'

/**
 * The seed's "Approve quote & pay", done properly: get a quote (POST), see what the wallet will be
 * debited and what escrow receives, approve it in the wallet, come back to a live status.
 */
export function FundingSection(p: { ctx: ViewCtx; job: Job; open: Funding | null; budgetLeft: bigint; hasWallet: boolean }): JSX.Element {
  const { t, csrf } = p.ctx
  const { job, open } = p
  return (
    <section class="card stack" aria-labelledby="fund-h" id="funding">
      <div class="title-row">
        <h2 id="fund-h" data-audio-slug="funding.title" safe>
          {t('funding.title')}
        </h2>
      </div>
      {open ? (
        <FundingStatus ctx={p.ctx} job={job} funding={open} />
      ) : p.budgetLeft <= 0n ? (
        <p>
          <Speak slug="funding.funded" text={t('funding.funded')} t={t} />
        </p>
      ) : !p.hasWallet ? (
        <p>
          <Speak slug="funding.need_wallet" text={t('errors.no_wallet')} t={t} /> <a href="/profile" data-audio-slug="nav.profile" safe>{t('nav.profile')}</a>
        </p>
      ) : (
        <>
          <p safe>{t('funding.explain', { amount: money(p.budgetLeft, job.assetCode, job.assetScale) })}</p>
          <PostButton t={t} csrf={csrf} action={`/jobs/${job.id}/funding`} slug="funding.get_quote" text={t('funding.get_quote')} />
        </>
      )}
    </section>
  )
}

export function FundingStatus({ ctx, job, funding }: { ctx: ViewCtx; job: Job; funding: Funding }): JSX.Element {
  const { t, lang } = ctx
  const f = funding
  const final = FINAL_FUNDING_STATES.includes(f.state)
  return (
    <div class="stack" data-payment-status-url={final ? undefined : `/jobs/${job.id}/funding/${f.id}/status`} data-state={f.state}>
      {f.debitAmount !== null && f.receiveAmount !== null ? (
        <dl class="facts" aria-label={t('funding.quote')}>
          <dt safe>{t('funding.debit')}</dt>
          <dd safe>{money(f.debitAmount, f.debitAssetCode ?? f.assetCode, f.debitAssetScale ?? f.assetScale)}</dd>
          <dt safe>{t('funding.fee')}</dt>
          <dd safe>
            {f.debitAssetCode === f.assetCode && f.debitAssetScale === f.assetScale
              ? money(f.debitAmount - f.receiveAmount, f.assetCode, f.assetScale)
              : t('funding.fee_in_rate')}
          </dd>
          <dt safe>{t('funding.escrow_receives')}</dt>
          <dd safe>{money(f.receiveAmount, f.assetCode, f.assetScale)}</dd>
          {f.quoteExpiresAt ? (
            <>
              <dt safe>{t('funding.quote_expires')}</dt>
              <dd safe>{dateTime(f.quoteExpiresAt, lang)}</dd>
            </>
          ) : (
            ''
          )}
        </dl>
      ) : (
        ''
      )}
      <p role="status" aria-live="polite">
        <strong safe>{`${t('funding.status')}: `}</strong>
        <span data-status-label safe>
          {t(`funding.states.${f.state}`)}
        </span>
      </p>
      {f.state === 'awaiting_consent' && f.paymentUrl ? (
        <>
          <LinkButton t={t} href={f.paymentUrl} slug="funding.approve" text={t('funding.approve')} kind="primary" />
          <p safe>{t('funding.link_label')}</p>
          <p class="mono" id={`payment-url-${f.id}`} safe>
            {f.paymentUrl}
          </p>
          <button type="button" class="btn secondary" data-audio-slug="common.copy" data-copy={`#payment-url-${f.id}`} data-copied={t('common.copied')} hidden safe>
            {t('common.copy')}
          </button>
        </>
      ) : (
        ''
      )}
      {f.pendingId ? (
        <p>
          <span safe>{`${t('funding.payment_id')}: `}</span>
          <span class="mono" safe>
            {f.pendingId}
          </span>
        </p>
      ) : (
        ''
      )}
      {!final ? (
        <p>
          <a href={`/jobs/${job.id}#funding`} class="btn secondary" data-audio-slug="common.refresh" safe>
            {t('common.refresh')}
          </a>
        </p>
      ) : (
        ''
      )}
    </div>
  )
}

export function FundingHistory({ ctx, history }: { ctx: ViewCtx; history: Funding[] }): JSX.Element {
  const { t, lang } = ctx
  return (
    <section aria-labelledby="hist-h">
      <h2 id="hist-h" safe>
        {t('funding.history')}
      </h2>
      {history.length === 0 ? (
        <p safe>{t('common.none')}</p>
      ) : (
        <div class="table-wrap" tabindex="0" role="region" aria-label={t('funding.history')}>
        <table>
          <thead>
            <tr>
              <th scope="col" safe>{t('funding.date')}</th>
              <th scope="col" safe>{t('funding.status')}</th>
              <th scope="col" safe>{t('funding.debit')}</th>
              <th scope="col" safe>{t('funding.escrow_receives')}</th>
              <th scope="col" safe>{t('funding.payment_id')}</th>
            </tr>
          </thead>
          <tbody>
            {history.map((f) => (
              <tr data-funding={f.id}>
                <td safe>{dateTime(f.createdAt, lang)}</td>
                <td safe>{t(`funding.states.${f.state}`)}</td>
                <td safe>{f.debitAmount === null ? '—' : money(f.debitAmount, f.debitAssetCode ?? f.assetCode, f.debitAssetScale ?? f.assetScale)}</td>
                <td safe>{money(f.state === 'completed' ? f.received : (f.receiveAmount ?? f.requested), f.assetCode, f.assetScale)}</td>
                <td class="mono" safe>
                  {f.pendingId ?? '—'}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        </div>
      )}
    </section>
  )
}
