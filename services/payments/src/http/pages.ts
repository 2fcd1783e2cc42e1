/** Minimal HTML for a person who lands on this service without a return URL: never JSON to a person. */
export function resultPage(title: string, message: string): string {
  const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">` +
    `<title>${esc(title)}</title></head><body style="font-family:system-ui;max-width:32rem;margin:3rem auto;padding:0 1rem">` +
    `<h1>${esc(title)}</h1><p>${esc(message)}</p></body></html>`
}

export type FinishOutcome = { redirect: string } | { status: number; html: string }

/** Sends the browser back to `returnUrl` with query parameters describing the outcome. */
export function backTo(returnUrl: string, params: Record<string, string>): FinishOutcome {
  const url = new URL(returnUrl)
  for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v)
  return { redirect: url.toString() }
}
