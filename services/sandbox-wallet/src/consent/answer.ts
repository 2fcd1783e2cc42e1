/**
 * Answers a sandbox consent page as a person would, over HTTP: opens the page, submits the Approve
 * or Deny form, and returns where the wallet sends the browser (the client's finish URL). For tests
 * and for connecting the demo escrow wallet at first start; never needed with a real wallet.
 */
export async function answerConsent(redirectUrl: string, decision: 'approve' | 'deny'): Promise<string> {
  const page = await fetch(redirectUrl)
  if (page.status !== 200) throw new Error(`consent page answered ${page.status}`)
  const html = await page.text()
  const action = new RegExp(`action="([^"]+/${decision})"`).exec(html)?.[1]
  if (!action) throw new Error(`no ${decision} form on the consent page`)
  const answer = await fetch(new URL(action, redirectUrl), { method: 'POST', redirect: 'manual' })
  const location = answer.headers.get('location')
  if (answer.status !== 303 || !location) throw new Error(`consent ${decision} answered ${answer.status}`)
  return location
}
