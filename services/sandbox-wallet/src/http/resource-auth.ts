import type { FastifyReply } from 'fastify'
import type { JWK } from '@interledger/http-signature-utils'
import { urls, type SandboxConfig } from '../config.ts'
import { fail, sendFailure } from './errors.ts'
import { gnapToken } from './auth.ts'
import type { RawBodyRequest, SignatureVerifier } from './signatures.ts'
import type { GrantService } from '../grant/service.ts'
import type { AccessItem, Grant } from '../grant/model.ts'

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
   * Checks the GNAP token, the request signature, and that the token grants `action` on `type`
   * for `walletAddressUrl`. Sends the 401/403 itself and returns undefined when refused.
   */
  authorize(
    request: RawBodyRequest,
    reply: FastifyReply,
    need: { type: ResourceType; action: 'create' | 'read' | 'list' | 'complete'; walletAddressUrl: string | undefined }
  ): Promise<Authorized | undefined>
}

export function createResourceAuthorizer(deps: {
  config: SandboxConfig
  grants: GrantService
  signatures: SignatureVerifier
}): ResourceAuthorizer {
  return {
    async authorize(request, reply, need) {
      const unauthorized = async (failure: Parameters<typeof fail>[0]) => {
        reply.header('www-authenticate', `GNAP as_uri=${urls(deps.config).authServer()}`)
        await sendFailure(reply, fail(failure))
        return undefined
      }
      // The order of Rafiki's middleware (backend open_payments/auth/middleware.ts): the token, then
      // the access it grants, then the signature.
      const value = gnapToken(request)
      if (!value) return unauthorized('rs_missing_token')
      const found = await deps.grants.introspect(value)
      if (!found) return unauthorized('rs_inactive_token')
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
      if (!granted) return unauthorized('rs_insufficient_grant')
      if (!(await deps.signatures.verify(request, { walletAddress: grant.client, jwk: grant.clientJwk as JWK | null }))) {
        return unauthorized('rs_invalid_signature')
      }
      return { grant, item: granted.item, all: granted.all, client: grant.client }
    }
  }
}

const stripSlash = (url: string) => url.replace(/\/$/, '')
