import type { FastifyRequest } from 'fastify'
import { getKeyId, validateSignature, validateSignatureHeaders, type JWK, type RequestLike } from '@interledger/http-signature-utils'
import type { Logger } from '@voces/platform'
import type { ClientUrls } from './client-urls.ts'

export interface RawBodyRequest extends FastifyRequest {
  rawBody?: string
}

/**
 * What checking a request's signature found. The auth server and the resource server word their
 * refusals differently (Rafiki: packages/auth/src/signature/middleware.ts and
 * packages/backend/src/open_payments/auth/middleware.ts), so the verifier says what failed and each
 * server answers it its own way.
 */
export type SignatureCheck =
  | { ok: true; keyId: string }
  /** No `keyid` in `Signature-Input` (or no `Signature-Input` at all). */
  | { ok: false; problem: 'missing_key_id' }
  /** The client's JWKS could not be fetched. */
  | { ok: false; problem: 'keys_unavailable'; keyId: string }
  /** The client's JWKS has no key with the request's key id. */
  | { ok: false; problem: 'unknown_key'; keyId: string; clientKeys: JWK[] }
  /** A key was found, but the signature does not verify with it (or does not cover what it must). */
  | { ok: false; problem: 'invalid_signature'; keyId: string }

export interface SignatureVerifier {
  /**
   * `validateSignatureHeaders`: `Signature` and `Signature-Input` are there and cover what Open
   * Payments requires. Rafiki's auth server checks this before it looks for the grant or the client.
   */
  hasValidHeaders(request: RawBodyRequest): boolean
  /** Checks the `sig1` signature against the client's key: `jwk` when given, else its wallet address's JWKS. */
  check(request: RawBodyRequest, client: { walletAddress?: string | null; jwk?: JWK | null }): Promise<SignatureCheck>
}

/**
 * Verifies HTTP message signatures as an account servicing entity does: the client's public keys are
 * fetched from `<client wallet address>/jwks.json` over HTTP (cached briefly, refetched once on an
 * unknown key id so that a freshly registered key works at once).
 */
export function createSignatureVerifier(deps: { logger: Logger; publicProtocol: () => string; clientUrls: ClientUrls; cacheMs?: number }): SignatureVerifier {
  const cache = new Map<string, { keys: JWK[]; fetchedAt: number }>()
  const cacheMs = deps.cacheMs ?? 60_000

  /** The client's keys, or undefined when its JWKS cannot be had. */
  async function fetchKeys(walletAddress: string, fresh: boolean): Promise<JWK[] | undefined> {
    const hit = cache.get(walletAddress)
    if (!fresh && hit && Date.now() - hit.fetchedAt < cacheMs) return hit.keys
    try {
      // A client naming a loopback or private address (or a name that turns into one) gets "keys unavailable".
      const response = await deps.clientUrls.fetch(`${walletAddress}/jwks.json`, 5_000)
      if (!response?.ok) return undefined
      const body = (await response.json()) as { keys?: JWK[] }
      if (!Array.isArray(body.keys)) return undefined
      cache.set(walletAddress, { keys: body.keys, fetchedAt: Date.now() })
      return body.keys
    } catch (error) {
      deps.logger.warn({ walletAddress, err: error }, 'could not fetch client JWKS')
      return undefined
    }
  }

  async function clientKeys(client: { walletAddress?: string | null; jwk?: JWK | null }, keyId: string): Promise<JWK[] | undefined> {
    if (client.jwk) return [client.jwk]
    if (!client.walletAddress) return []
    const keys = await fetchKeys(client.walletAddress, false)
    if (!keys || keys.some((k) => k.kid === keyId)) return keys
    return (await fetchKeys(client.walletAddress, true)) ?? keys
  }

  // `url` must be what the client signed: the public URL, not the one the proxy or test port saw.
  const requestLike = (request: RawBodyRequest): RequestLike => ({
    method: request.method,
    url: `${deps.publicProtocol()}://${request.headers.host}${request.url}`,
    headers: Object.fromEntries(Object.entries(request.headers).map(([k, v]) => [k.toLowerCase(), String(v)])),
    body: request.rawBody
  })

  return {
    hasValidHeaders: (request) => validateSignatureHeaders(requestLike(request)),

    // Rafiki's order (throwIfSignatureInvalid, verifySigFromClient): the key id, the client's keys,
    // the key with that id, then the signature.
    async check(request, client) {
      const like = requestLike(request)
      const input = request.headers['signature-input']
      const keyId = typeof input === 'string' ? getKeyId(input) : undefined
      if (!keyId) return { ok: false, problem: 'missing_key_id' }
      const keys = await clientKeys(client, keyId)
      if (!keys) return { ok: false, problem: 'keys_unavailable', keyId }
      const jwk = keys.find((k) => k.kid === keyId)
      if (!jwk) return { ok: false, problem: 'unknown_key', keyId, clientKeys: keys }
      try {
        if (await validateSignature(jwk, like)) return { ok: true, keyId }
      } catch (error) {
        deps.logger.info({ err: error, keyId }, 'signature could not be validated')
      }
      return { ok: false, problem: 'invalid_signature', keyId }
    }
  }
}
