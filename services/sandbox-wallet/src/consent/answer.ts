/**
 * Answers a sandbox consent page as a person would, over HTTP: opens the page, submits the Approve
 * or Deny form, and returns where the browser ends up — the client's finish URL the wallet redirects
 * to (also when the page itself redirects because the interaction expired or was already answered),
 * or, for a grant requested without `finish`, the wallet's own "answer recorded" page. For tests and
 * for connecting the demo escrow wallet at first start; never needed with a real wallet.
 */
export async function answerConsent(redirectUrl: string, decision: 'approve' | 'deny'): Promise<string> {
  const page = await fetch(redirectUrl, { redirect: 'manual' })
  const sentBack = page.headers.get('location')
  if (page.status === 302 && sentBack) return sentBack
  if (page.status !== 200) throw new Error(`consent page answered ${page.status}`)
  const html = await page.text()
  // The form's action carries the page's language (`/approve?lang=en`).
  const action = new RegExp(`action="([^"]+/${decision}(?:\\?[^"]*)?)"`).exec(html)?.[1]
  if (!action) throw new Error(`no ${decision} form on the consent page`)
  const target = new URL(action, redirectUrl)
  const answer = await fetch(target, { method: 'POST', redirect: 'manual' })
  const location = answer.headers.get('location')
  if (answer.status === 303 && location) return location
  if (answer.status === 200) return target.toString()
  throw new Error(`consent ${decision} answered ${answer.status}`)
}
