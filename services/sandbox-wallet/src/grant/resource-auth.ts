import type { FastifyReply } from 'fastify'
import type { JWK } from '@interledger/http-signature-utils'
import { urls, type SandboxConfig } from '../config.ts'
import { fail, sendFailure, type Failure } from '../http/errors.ts'
import { gnapToken } from '../http/auth.ts'
import type { RawBodyRequest, SignatureCheck, SignatureVerifier } from '../http/signatures.ts'
import type { GrantService } from './service.ts'
import type { AccessItem, Grant } from './model.ts'

export type ResourceType = AccessItem['type']

export interface Authorized {
  grant: Grant
  item: AccessItem
  /** `read-all` / `list-all`: may see resources other clients created. */
  all: boolean
  /** The client's identity, recorded on what it creates. */
  client: string | null
}

export interface ResourceAuthorizer {
  /**
   * Checks the GNAP token, that it grants `action` on `type` for `walletAddressUrl`, and the request
   * signature. Sends the 401/403 itself and returns undefined when refused.
   */
  authorize(
    request: RawBodyRequest,
    reply: FastifyReply,
    need: { type: ResourceType; action: 'create' | 'read' | 'list' | 'complete'; walletAddressUrl: string | undefined }
  ): Promise<Authorized | undefined>
}

/**
 * The resource server's side of the auth server: Rafiki's createTokenIntrospectionMiddleware and
 * httpsigMiddleware (packages/backend/src/open_payments/auth/middleware.ts), in their order: the
 * token, the access it grants, then the signature.
 */
export function createResourceAuthorizer(deps: {
  config: SandboxConfig
  grants: GrantService
  signatures: SignatureVerifier
}): ResourceAuthorizer {
  return {
    async authorize(request, reply, need) {
      // Rafiki points the client to the auth server on every refusal of the token middleware,
      // not on a refused signature.
      const refuseToken = async (failure: Failure) => {
        reply.header('www-authenticate', `GNAP as_uri=${urls(deps.config).authServer()}`)
        await sendFailure(reply, failure)
        return undefined
      }
      const value = gnapToken(request)
      if (!value) return refuseToken(fail('rs_missing_token'))
      // Introspection answers `active: false` for a token that is unknown, expired, rotated or revoked.
      const found = await deps.grants.introspect(value)
      if (!found) return refuseToken(fail('rs_inactive_token'))
      const { grant } = found
      const items = (grant.access as AccessItem[]).filter((item) => item.type === need.type)
      const allAction = need.action === 'read' || need.action === 'list' ? `${need.action}-all` : undefined
      const granted = items
        .map((item) => ({ item, all: allAction !== undefined && item.actions.includes(allAction) }))
        .find(
          ({ item, all }) =>
            (all || item.actions.includes(need.action)) &&
            !(item.identifier && need.walletAddressUrl && stripSlash(item.identifier) !== stripSlash(need.walletAddressUrl))
        )
      if (!granted) return refuseToken(fail('rs_insufficient_grant'))
      const signature = await deps.signatures.check(request, { walletAddress: grant.client, jwk: grant.clientJwk as JWK | null })
      if (!signature.ok) {
        await sendFailure(reply, signatureRefusal(signature, grant.client))
        return undefined
      }
      return { grant, item: granted.item, all: granted.all, client: grant.client }
    }
  }
}

/** Rafiki's throwIfSignatureInvalid: a 401 for each problem, with the details it sends. */
function signatureRefusal(check: Extract<SignatureCheck, { ok: false }>, client: string | null): Failure {
  const who = client ? { client } : {}
  switch (check.problem) {
    case 'missing_key_id':
      return fail('rs_missing_key_id', undefined, who)
    case 'keys_unavailable':
      return fail('rs_keys_unavailable', undefined, { ...who, keyIdInSignature: check.keyId, ...(client ? { requestedRoute: `${client}/jwks.json` } : {}) })
    case 'unknown_key':
      return fail('rs_unknown_key', undefined, { ...who, keyIdInSignature: check.keyId, clientKeys: check.clientKeys })
    case 'invalid_signature':
      return fail('rs_invalid_signature', undefined, { keyIdInSignature: check.keyId, ...who })
  }
}

const stripSlash = (url: string) => url.replace(/\/$/, '')
