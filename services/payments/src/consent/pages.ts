import type { FinishResult } from './model.ts'

/** Minimal HTML for a person who lands on this service without a return URL: never JSON to a person. */
export function resultPage(title: string, message: string): string {
  const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">` +
    `<title>${esc(title)}</title></head><body style="font-family:system-ui;max-width:32rem;margin:3rem auto;padding:0 1rem">` +
    `<h1>${esc(title)}</h1><p>${esc(message)}</p></body></html>`
}

export type FinishPage = { redirect: string } | { status: number; html: string }

const paymentTexts: Record<string, [string, string]> = {
  completed: ['Payment complete', 'The payment has been sent. You can close this page.'],
  sending: ['Payment on its way', 'Your wallet is sending the payment. You can close this page.'],
  authorized: ['Payment approved', 'The payment is being sent. You can close this page.'],
  awaiting_consent: ['Payment being processed', 'Your approval is being processed. You can close this page.'],
  needs_review: ['Payment being checked', 'Your wallet sent the payment; we are confirming that it arrived. You can close this page.'],
  rejected: ['Payment cancelled', 'You declined the payment. Nothing was paid.'],
  expired: ['Payment expired', 'The payment was not approved in time. Nothing was paid.'],
  failed: ['Payment failed', 'The payment could not be made. Nothing was paid.']
}

/** What a wallet's unsigned result means to the person, said without claiming more than it proves. */
const walletResultTexts: Record<string, [string, string]> = {
  grant_rejected: ['Payment not approved', 'Your wallet says you declined the payment. Nothing was paid.'],
  invalid_interaction: ['Approval window closed', 'The time to approve the payment at your wallet ran out. Nothing was paid.'],
  other: ['Payment not approved', 'Your wallet could not finish the approval. Nothing was paid.']
}

const INVALID = 'This link is not valid. Nothing was changed.'

/** The one place a finish result becomes what the browser gets: back to the marketplace, or a page. */
export function finishPage(r: FinishResult | undefined): FinishPage {
  if (!r) return { status: 404, html: resultPage('Not found', 'This payment link is not valid.') }
  if (r.returnUrl) {
    const url = new URL(r.returnUrl)
    url.searchParams.set(r.purpose === 'payment' ? 'payment' : 'payoutGrant', r.subjectId)
    url.searchParams.set('status', r.state)
    if (r.walletResult) url.searchParams.set('walletResult', r.walletResult)
    if (r.error) url.searchParams.set('error', r.error)
    return { redirect: url.toString() }
  }
  if (r.purpose === 'payout_grant') {
    const text = r.error
      ? INVALID
      : r.walletResult
        ? `The wallet did not approve the payout authorisation (${r.walletResult}). Nothing changed; connect the wallet again to retry.`
        : r.state === 'active'
          ? 'Payouts from this wallet are now authorised. You can close this page.'
          : `The payout authorisation is ${r.state.replace('_', ' ')}.`
    return { status: r.error ? 400 : 200, html: resultPage('Escrow wallet', text) }
  }
  const reported = r.walletResult ? (walletResultTexts[r.walletResult] ?? walletResultTexts.other!) : undefined
  const [title, message] = reported ?? paymentTexts[r.state] ?? ['Payment', 'You can close this page.']
  return { status: 200, html: resultPage(title, r.error ? INVALID : message) }
}
