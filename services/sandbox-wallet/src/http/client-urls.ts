import type { UrlGuard } from '@voces/platform/url-guard'
import type { NetGuard } from '@voces/platform/net-guard'

/**
 * The URLs a grant request's client names (its wallet address document and `jwks.json`), which the
 * sandbox fetches as Rafiki does. Checked twice: before the request (the URL guard: https, a public
 * address, or an allowed origin) and when the connection is opened (the net guard: a name that
 * answers a public address to the check and a loopback one to the connection, or a redirect to one,
 * is refused there).
 */
export interface ClientUrls {
  allows(url: string): Promise<boolean>
  /** The answer, or undefined when the URL may not be fetched; a failed or refused connection rejects. */
  fetch(url: string, timeoutMs: number): Promise<Response | undefined>
}

export function createClientUrls(deps: { urlGuard: UrlGuard; netGuard: NetGuard }): ClientUrls {
  return {
    allows: (url) => deps.urlGuard.allows(url),
    async fetch(url, timeoutMs) {
      if (!(await deps.urlGuard.allows(url))) return undefined
      return deps.netGuard.run(() => fetch(url, { headers: { accept: 'application/json' }, signal: AbortSignal.timeout(timeoutMs) }))
    }
  }
}
