import { lookup } from 'node:dns/promises'
import ipaddr from 'ipaddr.js'

/**
 * Which URLs a service may fetch when a person (or a request) chose them: the payments service fetches
 * wallet addresses from profiles and every server their documents name; the sandbox fetches a grant
 * request's client (its wallet document and `jwks.json`), as Rafiki does. Without a guard anyone could
 * make the server request its own loopback or private network and learn from the answer. Allowed: the
 * service's own origin and the configured origins (also over plain http), and any https URL without
 * user info whose host resolves only to public unicast addresses (ipaddr.js classifies them). The check
 * is made before each fetch; a host that changes its answer between the check and the connection (DNS
 * rebinding) is not caught here: both services also fetch through `net-guard.ts`, which checks where the
 * connection opens (docs/security.md).
 */
export interface UrlGuard {
  /** Undefined when `url` may be fetched, else why not (safe to show: it echoes nothing remote). */
  check(url: string): Promise<string | undefined>
  /** True when `url` may be fetched. */
  allows(url: string): Promise<boolean>
}

/** The guard's answer for a host no DNS server knows: a typo, told to the person as "not found". */
export const HOST_NOT_FOUND = 'names a host that cannot be found'

export function createUrlGuard(options: {
  allowedOrigins: string[]
  /** The service's own origin, read at each call: tests listening on port 0 learn it only after start. */
  ownOrigin?: () => string
  resolve?: (host: string) => Promise<string[]>
}): UrlGuard {
  const allowed = new Set(options.allowedOrigins.map((o) => new URL(o).origin))
  const resolve = options.resolve ?? (async (host: string) => (await lookup(host, { all: true, verbatim: true })).map((a) => a.address))

  async function check(url: string): Promise<string | undefined> {
    let parsed: URL
    try {
      parsed = new URL(url)
    } catch {
      return 'is not a URL'
    }
    if (allowed.has(parsed.origin) || (options.ownOrigin && parsed.origin === new URL(options.ownOrigin()).origin)) return undefined
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
    if (addresses.some((address) => ipaddr.process(address).range() !== 'unicast')) return 'points to a private or reserved network address'
    return undefined
  }

  return { check, allows: async (url) => (await check(url)) === undefined }
}
