import type { ViewCtx } from '../../views/context.ts'
import type { Funding } from '../model.ts'
import type { Job } from '../../jobs/model.ts'
import { FINAL_FUNDING_STATES } from '../model.ts'
import { LinkButton, PostButton } from '../../views/form.tsx'
import { Speak } from '../../views/speak.tsx'
import { dateTime } from '../../views/format.ts'
import { money } from '../../domain/money.ts'
import type { EscrowState } from '../../domain/escrow.ts'

/**
 * The seed's "Approve quote & pay", done properly: get a quote (POST), see what the wallet will be
 * debited and what escrow receives, approve it in the wallet, come back to a live status.
 */
export function FundingSection(p: { ctx: ViewCtx; job: Job; open: Funding | null; budget: { total: bigint; reserve: bigint }; escrow: EscrowState; hasWallet: boolean }): JSX.Element {
  const closed = p.escrow === 'closed'
  // A payment shown after it ended (declined, expired, failed) leaves the job to fund: offer a new start.
  const canStart = !closed && p.budget.total > 0n && p.hasWallet
  const { ctx } = p
  const { t, csrf } = ctx
  const { job, open } = p
  const m = (v: bigint) => money(v, job.assetCode, job.assetScale, ctx.lang)
  // Once nothing is left to pay, the box no longer reads as a call to pay.
  const title = closed || p.budget.total <= 0n || open?.state === 'completed' ? 'escrow.funding_done' : 'funding.title'
  return (
    <section class="card stack" aria-labelledby="fund-h" id="funding">
      <div class="title-row">
        <h2 id="fund-h" data-audio-slug={title} safe>
          {t(title)}
        </h2>
      </div>
      {open ? <FundingStatus ctx={p.ctx} job={job} funding={open} canStart={canStart} /> : ''}
      {open && open.state !== 'completed' ? (
        ''
      ) : closed ? (
        <p data-funding-closed>
          <Speak slug="escrow.funding_closed" text={t('escrow.funding_closed')} ctx={ctx} />
        </p>
      ) : p.budget.total <= 0n ? (
        <p data-funding-funded>
          <Speak slug="funding.funded" text={t('funding.funded')} ctx={ctx} />
        </p>
      ) : !p.hasWallet ? (
        <p>
          <Speak slug="funding.need_wallet" text={t('errors.no_wallet')} ctx={ctx} /> <a href="/profile" data-audio-slug="nav.profile" safe>{t('nav.profile')}</a>
        </p>
      ) : (
        <>
          <p data-funding-needs={String(p.budget.total)}>
            <Speak
              slug="escrow.explain"
              text={
                job.payoutFeePerPerson === null
                  ? t('escrow.explain_unpriced', { amount: m(p.budget.total) })
                  : t('escrow.explain_fees', { amount: m(p.budget.total), pay: m(p.budget.total - p.budget.reserve), reserve: m(p.budget.reserve) })
              }
              ctx={ctx}
            />
          </p>
          <PostButton ctx={ctx} csrf={csrf} action={`/jobs/${job.id}/funding`} slug="funding.get_quote" text={t('funding.get_quote')} />
        </>
      )}
    </section>
  )
}

/** Why a payment ended without paying, in the payer's words: from the payments service's failure code. */
export function failureMessage(f: Pick<Funding, 'state' | 'failureCode'>): 'escrow.reasons.not_enough_funds' | 'escrow.reasons.declined' | 'escrow.reasons.expired' | 'escrow.reasons.unreachable' | 'escrow.reasons.other' {
  if (f.state === 'rejected') return 'escrow.reasons.declined'
  if (f.state === 'expired' || f.failureCode === 'consent_expired' || f.failureCode === 'quote_expired') return 'escrow.reasons.expired'
  if (f.failureCode === 'payment_failed') return 'escrow.reasons.not_enough_funds'
  if (f.failureCode === 'unreachable' || f.failureCode === 'start_interrupted') return 'escrow.reasons.unreachable'
  return 'escrow.reasons.other'
}

/**
 * What the buyer's wallet said instead of approving, in words: a decline is never told as an expired
 * approval window, nor the other way round. The report is unverified, so it is worded as the wallet's.
 */
export function walletResultMessage(result: string): 'funding.wallet_result.declined' | 'funding.wallet_result.window_closed' | 'funding.wallet_result.could_not_finish' {
  if (result === 'grant_rejected') return 'funding.wallet_result.declined'
  if (result === 'invalid_interaction') return 'funding.wallet_result.window_closed'
  return 'funding.wallet_result.could_not_finish'
}

/** States in which the wallet's report is the latest word; once money moves, it no longer is. */
const REPORTABLE: readonly Funding['state'][] = ['awaiting_consent', 'rejected', 'expired', 'failed']

export function FundingStatus({ ctx, job, funding, canStart }: { ctx: ViewCtx; job: Job; funding: Funding; canStart: boolean }): JSX.Element {
  const { t, csrf } = ctx
  const f = funding
  const final = FINAL_FUNDING_STATES.includes(f.state)
  // The wallet reported on this payment instead of approving (it stays open at the payments service
  // until its consent deadline or a new start): say what it said and offer the new start right here.
  const reported = f.walletResult && REPORTABLE.includes(f.state) ? f.walletResult : null
  const retry = canStart && (f.state === 'awaiting_consent' ? Boolean(reported) : f.state !== 'completed' && final)
  return (
    <div
      class="stack"
      data-payment-status-url={final ? undefined : `/jobs/${job.id}/funding/${f.id}/status`}
      data-state={f.state}
      data-wallet-result={f.walletResult ?? undefined}
    >
      {f.debitAmount !== null && f.receiveAmount !== null && f.state !== 'completed' ? (
        <dl class="facts" aria-label={t('funding.quote')}>
          <dt safe>{t('funding.debit')}</dt>
          <dd safe>{money(f.debitAmount, f.debitAssetCode ?? f.assetCode, f.debitAssetScale ?? f.assetScale, ctx.lang)}</dd>
          <dt safe>{t('funding.fee')}</dt>
          <dd data-funding-fee safe>
            {f.fee !== null ? money(f.fee, f.debitAssetCode ?? f.assetCode, f.debitAssetScale ?? f.assetScale, ctx.lang) : t('funding.fee_in_rate')}
          </dd>
          <dt safe>{t('funding.escrow_receives')}</dt>
          <dd safe>{money(f.receiveAmount, f.assetCode, f.assetScale, ctx.lang)}</dd>
          <dt safe>{t('escrow.for_creators')}</dt>
          <dd data-funding-for-creators safe>{money(f.receiveAmount - f.payoutFeeReserve, f.assetCode, f.assetScale, ctx.lang)}</dd>
          <dt safe>{t('escrow.fee_reserve')}</dt>
          <dd data-funding-fee-reserve safe>{money(f.payoutFeeReserve, f.assetCode, f.assetScale, ctx.lang)}</dd>
          {f.quoteExpiresAt && f.state === 'awaiting_consent' ? (
            <>
              <dt safe>{t('funding.quote_expires')}</dt>
              <dd safe>{dateTime(f.quoteExpiresAt, ctx)}</dd>
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
      {f.state === 'needs_review' ? (
        <p data-funding-review>
          <Speak slug="funding.needs_review_explain" text={t('funding.needs_review_explain')} ctx={ctx} />
        </p>
      ) : (
        ''
      )}
      {f.state === 'unknown' ? (
        <p>
          <Speak slug="funding.unknown_explain" text={t('funding.unknown_explain')} ctx={ctx} />
        </p>
      ) : (
        ''
      )}
      {reported ? (
        <div class="alert error" role="alert" data-wallet-said={walletResultMessage(reported)}>
          <Speak slug={walletResultMessage(reported)} text={t(walletResultMessage(reported))} ctx={ctx} />
        </div>
      ) : final && f.state !== 'completed' ? (
        <div class="alert error" role="alert" data-funding-reason={failureMessage(f)}>
          <Speak slug={failureMessage(f)} text={t(failureMessage(f))} ctx={ctx} />
        </div>
      ) : (
        ''
      )}
      {retry ? (
        <PostButton ctx={ctx} csrf={csrf} action={`/jobs/${job.id}/funding`} slug="funding.try_again" text={t('funding.try_again')} />
      ) : (
        ''
      )}
      {f.state === 'awaiting_consent' && f.paymentUrl && !reported ? (
        <>
          <LinkButton ctx={ctx} href={f.paymentUrl} slug="funding.approve" text={t('funding.approve')} kind="primary" />
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
  const { t } = ctx
  return (
    <section aria-labelledby="hist-h">
      <h2 id="hist-h" safe>
        {t('funding.history')}
      </h2>
      {history.length === 0 ? (
        <p safe>{t('common.none')}</p>
      ) : (
        <div class="table-wrap" tabindex="0" role="region" aria-label={t('funding.history')}>
        <table class="stacked">
          <thead>
            <tr>
              <th scope="col" safe>{t('funding.date')}</th>
              <th scope="col" safe>{t('funding.status')}</th>
              <th scope="col" safe>{t('funding.debit')}</th>
              <th scope="col" safe>{t('funding.fee')}</th>
              <th scope="col" safe>{t('funding.escrow_receives')}</th>
              <th scope="col" safe>{t('funding.payment_id')}</th>
            </tr>
          </thead>
          <tbody>
            {history.map((f) => (
              <tr data-funding={f.id}>
                <td data-label={t('funding.date')} safe>{dateTime(f.createdAt, ctx)}</td>
                <td data-label={t('funding.status')} safe>{t(`funding.states.${f.state}`)}</td>
                <td data-label={t('funding.debit')} safe>{f.debitAmount === null ? '—' : money(f.debitAmount, f.debitAssetCode ?? f.assetCode, f.debitAssetScale ?? f.assetScale, ctx.lang)}</td>
                <td data-label={t('funding.fee')} safe>{f.fee === null ? '—' : money(f.fee, f.debitAssetCode ?? f.assetCode, f.debitAssetScale ?? f.assetScale, ctx.lang)}</td>
                <td data-label={t('funding.escrow_receives')} safe>{money(f.state === 'completed' ? f.received : (f.receiveAmount ?? f.requested), f.assetCode, f.assetScale, ctx.lang)}</td>
                <td data-label={t('funding.payment_id')} class="mono" safe>
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
