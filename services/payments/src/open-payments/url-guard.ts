import { lookup } from 'node:dns/promises'
import ipaddr from 'ipaddr.js'

/**
 * Which wallet URLs the service may fetch. A wallet address comes from a person (a profile, a
 * funder's payment), and every URL its document names is fetched next: without a guard, anyone
 * could make the server request its own loopback or private network. Allowed: the configured
 * origins (the marketplace's own wallet provider, e.g. the sandbox, also over plain http), and any
 * https URL whose host resolves only to public unicast addresses (ipaddr.js classifies them).
 * The check is made before each fetch; a host that changes its answer between the check and the
 * connection (DNS rebinding) is not caught here (see docs/payments.md).
 */
/** The guard's answer for a host no DNS server knows: a typo, told to the person as "not found". */
export const HOST_NOT_FOUND = 'names a host that cannot be found'

export interface UrlGuard {
  /** Undefined when `url` may be fetched, else why not (safe to show: it echoes nothing remote). */
  check(url: string): Promise<string | undefined>
}

export function createUrlGuard(options: { allowedOrigins: string[]; resolve?: (host: string) => Promise<string[]> }): UrlGuard {
  const allowed = new Set(options.allowedOrigins.map((o) => new URL(o).origin))
  const resolve = options.resolve ?? (async (host: string) => (await lookup(host, { all: true, verbatim: true })).map((a) => a.address))

  return {
    async check(url) {
      let parsed: URL
      try {
        parsed = new URL(url)
      } catch {
        return 'is not a URL'
      }
      if (allowed.has(parsed.origin)) return undefined
      if (parsed.protocol !== 'https:') return 'must be an https address'
      if (parsed.username || parsed.password) return 'must not carry a user name or password'
      const host = parsed.hostname.replace(/^\[|\]$/g, '')
      let addresses: string[]
      try {
        addresses = ipaddr.isValid(host) ? [host] : await resolve(host)
      } catch {
        return HOST_NOT_FOUND
      }
      if (addresses.length === 0) return HOST_NOT_FOUND
      for (const address of addresses) {
        const parsedAddress = ipaddr.process(address)
        if (parsedAddress.range() !== 'unicast') return 'points to a private or reserved network address'
      }
      return undefined
    }
  }
}
