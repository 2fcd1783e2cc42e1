import type { FastifyRequest } from 'fastify'
import { getKeyId, validateSignature, validateSignatureHeaders, type JWK } from '@interledger/http-signature-utils'
import type { Logger } from '@voces/platform'

export interface RawBodyRequest extends FastifyRequest {
  rawBody?: string
}

export interface SignatureVerifier {
  /** True when the request carries a valid `sig1` signature made with `jwk` (or with a key of the client's JWKS). */
  verify(request: RawBodyRequest, client: { walletAddress?: string | null; jwk?: JWK | null }): Promise<boolean>
}

/**
 * Verifies HTTP message signatures as an account servicing entity does: the client's public keys are
 * fetched from `<client wallet address>/jwks.json` over HTTP (cached briefly, refetched once on an
 * unknown key id so that a freshly registered key works at once).
 */
export function createSignatureVerifier(deps: { logger: Logger; publicProtocol: () => string; cacheMs?: number }): SignatureVerifier {
  const cache = new Map<string, { keys: JWK[]; fetchedAt: number }>()
  const cacheMs = deps.cacheMs ?? 60_000

  async function fetchKeys(walletAddress: string, fresh: boolean): Promise<JWK[]> {
    const hit = cache.get(walletAddress)
    if (!fresh && hit && Date.now() - hit.fetchedAt < cacheMs) return hit.keys
    try {
      const response = await fetch(`${walletAddress}/jwks.json`, {
        headers: { accept: 'application/json' },
        signal: AbortSignal.timeout(5_000)
      })
      if (!response.ok) return []
      const body = (await response.json()) as { keys?: JWK[] }
      const keys = Array.isArray(body.keys) ? body.keys : []
      cache.set(walletAddress, { keys, fetchedAt: Date.now() })
      return keys
    } catch (error) {
      deps.logger.warn({ walletAddress, err: error }, 'could not fetch client JWKS')
      return []
    }
  }

  return {
    async verify(request, client) {
      const like = {
        method: request.method,
        url: `${deps.publicProtocol()}://${request.headers.host}${request.url}`,
        headers: Object.fromEntries(Object.entries(request.headers).map(([k, v]) => [k.toLowerCase(), String(v)])),
        body: request.rawBody
      }
      if (!validateSignatureHeaders(like)) return false
      const keyId = getKeyId(like.headers['signature-input'] ?? '')
      if (!keyId) return false
      let jwk: JWK | undefined
      if (client.jwk) {
        jwk = client.jwk.kid === keyId ? client.jwk : undefined
      } else if (client.walletAddress) {
        jwk = (await fetchKeys(client.walletAddress, false)).find((k) => k.kid === keyId)
        jwk ??= (await fetchKeys(client.walletAddress, true)).find((k) => k.kid === keyId)
      }
      if (!jwk) return false
      try {
        return await validateSignature(jwk, like)
      } catch {
        return false
      }
    }
  }
}
