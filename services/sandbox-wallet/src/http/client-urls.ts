import { lookup } from 'node:dns/promises'
import ipaddr from 'ipaddr.js'

/**
 * Which client URLs the sandbox may fetch. A grant request names the client's wallet address, and
 * the sandbox fetches its document (the client's public name) and `<wallet>/jwks.json` (its keys),
 * as Rafiki does; without a check, anyone could make the sandbox request its own loopback or
 * private network and learn from the answer. Allowed: the sandbox's own origin (its wallets are its
 * usual clients), the configured origins, and https URLs whose host resolves only to public unicast
 * addresses (ipaddr.js classifies them). The same rule as the payments service's wallet-URL guard.
 */
export interface ClientUrlGuard {
  /** True when `url` may be fetched. */
  allows(url: string): Promise<boolean>
}

export function createClientUrlGuard(options: {
  /** Read at each call: tests listening on port 0 learn the base URL only after start. */
  ownOrigin: () => string
  allowedOrigins: string[]
  resolve?: (host: string) => Promise<string[]>
}): ClientUrlGuard {
  const allowed = new Set(options.allowedOrigins.map((o) => new URL(o).origin))
  const resolve = options.resolve ?? (async (host: string) => (await lookup(host, { all: true, verbatim: true })).map((a) => a.address))

  return {
    async allows(url) {
      let parsed: URL
      try {
        parsed = new URL(url)
      } catch {
        return false
      }
      if (parsed.origin === new URL(options.ownOrigin()).origin || allowed.has(parsed.origin)) return true
      if (parsed.protocol !== 'https:' || parsed.username || parsed.password) return false
      const host = parsed.hostname.replace(/^\[|\]$/g, '')
      try {
        const addresses = ipaddr.isValid(host) ? [host] : await resolve(host)
        return addresses.length > 0 && addresses.every((a) => ipaddr.process(a).range() === 'unicast')
      } catch {
        return false
      }
    }
  }
}
