import { z } from 'zod'

/**
 * Why a wallet address cannot be used, as both sides name it. The person is told the real cause:
 * `invalid` (not a URL or payment pointer), `not_found` (no such host or no such wallet there),
 * `not_a_wallet` (something answered, but not with an Open Payments wallet address document),
 * `unreachable` (the wallet did not answer in time, or failed), `not_allowed` (an address the
 * service refuses to fetch: private or loopback networks, plain http).
 */
export const WalletAddressProblem = z.enum(['invalid', 'not_found', 'not_a_wallet', 'unreachable', 'not_allowed'])
export type WalletAddressProblem = z.infer<typeof WalletAddressProblem>

export type ParsedWalletAddress = { ok: true; url: string } | { ok: false; problem: 'invalid' }

/** Longest address accepted anywhere (the payments API's limit too). */
export const WALLET_ADDRESS_MAX_LENGTH = 2048

/**
 * The one reading of a typed wallet address, used by the web app and the payments service alike.
 * A payment pointer (https://paymentpointers.org: `"$" host path-abempty`) becomes its URL:
 * `$ilp.interledger-test.dev/alice` → `https://ilp.interledger-test.dev/alice`, and a pointer with
 * no path → `https://host/.well-known/pay`. A URL must be http(s), without user name, query or
 * fragment; trailing slashes are dropped so one wallet has one spelling. Whether plain http may be
 * fetched is the payments service's guard to say, not this function's.
 */
export function parseWalletAddress(typed: string): ParsedWalletAddress {
  const text = typed.trim()
  if (!text || text.length > WALLET_ADDRESS_MAX_LENGTH || /\s/.test(text)) return { ok: false, problem: 'invalid' }
  const pointer = text.startsWith('$')
  // The pointer grammar has no port, user info, query or fragment; a URL may have a port.
  if (pointer && (/[?#@:\\]/.test(text) || !/^\$[^/]/.test(text))) return { ok: false, problem: 'invalid' }
  // WHATWG URLs forgive `https:///host` and `https:host`; a typed address must say it plainly.
  if (!pointer && !/^https?:\/\/[^/\\]/i.test(text)) return { ok: false, problem: 'invalid' }
  let url: URL
  try {
    url = new URL(pointer ? `https://${text.slice(1)}` : text)
  } catch {
    return { ok: false, problem: 'invalid' }
  }
  if (!['https:', 'http:'].includes(url.protocol) || !url.hostname || url.username || url.password || url.search || url.hash) {
    return { ok: false, problem: 'invalid' }
  }
  if (text.endsWith('?') || text.endsWith('#')) return { ok: false, problem: 'invalid' }
  if (pointer && url.pathname === '/') url.pathname = '/.well-known/pay'
  return { ok: true, url: url.href.replace(/\/+$/, '') }
}
