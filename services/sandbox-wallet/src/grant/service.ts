import { createHash, randomBytes, randomUUID } from 'node:crypto'
import { and, eq, isNull } from 'drizzle-orm'
import type { JWK } from '@interledger/http-signature-utils'
import type { Db } from '@voces/platform'
import { accessTokens, grants } from '../db/schema.ts'
import { urls, type SandboxConfig } from '../config.ts'
import { fail, type Failure } from '../http/errors.ts'
import type { WalletAddressService } from '../wallet-address/service.ts'
import { interactionExpired, type AccessItem, type AccessToken, type Grant, type GrantRequestBody } from './model.ts'

const secret = () => randomBytes(24).toString('base64url')

export interface TokenJson {
  value: string
  manage: string
  expires_in: number
  access: AccessItem[]
}

export type GrantResponse =
  | { kind: 'issued'; accessToken: TokenJson; continueToken: string; continueUri: string }
  | { kind: 'interact'; redirect: string; finish: string; continueToken: string; continueUri: string; wait: number }
  | { kind: 'pending'; continueToken: string; continueUri: string; wait: number }

export interface GrantService {
  /** Parses the client field: its wallet address URL, or a directed-identity key. */
  clientOf(body: GrantRequestBody): { walletAddress: string | null; jwk: JWK | null }
  request(body: GrantRequestBody): Promise<GrantResponse | Failure>
  getByContinueId(continueId: string): Promise<Grant | undefined>
  continue(grant: Grant, continueToken: string | undefined, interactRef: string | undefined): Promise<GrantResponse | Failure>
  cancel(grant: Grant, continueToken: string | undefined): Promise<void | Failure>
  /** For the consent page. */
  getInteraction(interactId: string, nonce: string): Promise<Grant | undefined>
  approve(grant: Grant): Promise<string | Failure>
  deny(grant: Grant): Promise<string | Failure>
  /** The redirect a person gets when the interaction can no longer be answered. */
  invalidRedirect(grant: Grant): string | undefined
  /** Token management. */
  getTokenByManageId(manageId: string): Promise<{ token: AccessToken; grant: Grant } | undefined>
  rotate(token: AccessToken, grant: Grant): Promise<TokenJson | Failure>
  revoke(token: AccessToken): Promise<void>
  /** For the resource server: a usable token and its grant. */
  introspect(value: string): Promise<{ token: AccessToken; grant: Grant } | undefined>
}

export function createGrantService(deps: { db: Db; config: SandboxConfig; walletAddresses: WalletAddressService }): GrantService {
  const { db, config } = deps
  const u = urls(config)

  async function issueToken(grantId: string, access: AccessItem[]): Promise<TokenJson> {
    const expiresAt = new Date(Date.now() + config.accessTokenTtlSeconds * 1000)
    const [token] = await db.insert(accessTokens).values({ grantId, value: secret(), expiresAt }).returning()
    return { value: token!.value, manage: u.token(token!.manageId), expires_in: config.accessTokenTtlSeconds, access }
  }

  /** Outgoing-payment access must name a wallet address of this sandbox. */
  async function checkAccess(access: AccessItem[]): Promise<Failure | undefined> {
    for (const item of access) {
      if (item.type !== 'outgoing-payment') continue
      if (!item.identifier) return fail('identifier_required')
      const prefix = `${config.baseUrl}/`
      const name = item.identifier.startsWith(prefix) ? item.identifier.slice(prefix.length) : undefined
      if (!name || !(await deps.walletAddresses.getByName(name))) return fail('unknown_wallet_address', item.identifier)
      const limits = item.limits
      if (limits?.debitAmount && limits.receiveAmount) return fail('invalid_request', 'only one of debitAmount or receiveAmount')
    }
    return undefined
  }

  return {
    clientOf(body) {
      const client = body.client
      if (typeof client === 'string') return { walletAddress: client.replace(/\/$/, ''), jwk: null }
      if ('walletAddress' in client) return { walletAddress: client.walletAddress.replace(/\/$/, ''), jwk: null }
      return { walletAddress: null, jwk: client.jwk }
    },

    async request(body) {
      const access = body.access_token?.access
      if (!access || access.length === 0) return fail('invalid_request', 'access_token.access is required')
      const problem = await checkAccess(access)
      if (problem) return problem
      const client = this.clientOf(body)
      const interactive = access.some((item) => item.type === 'outgoing-payment')

      if (!interactive) {
        const [grant] = await db
          .insert(grants)
          .values({
            state: 'finalized',
            finalizationReason: 'issued',
            client: client.walletAddress,
            clientJwk: client.jwk,
            access,
            continueToken: secret()
          })
          .returning()
        return {
          kind: 'issued',
          accessToken: await issueToken(grant!.id, access),
          continueToken: grant!.continueToken,
          continueUri: u.continue(grant!.continueId)
        }
      }

      if (!client.walletAddress) return fail('invalid_client', 'interactive grants need a client wallet address')
      const finish = body.interact?.finish
      if (!body.interact?.start.includes('redirect') || !finish) return fail('interaction_required')
      const [grant] = await db
        .insert(grants)
        .values({
          state: 'pending',
          client: client.walletAddress,
          access,
          continueToken: secret(),
          waitSeconds: config.grantWaitSeconds,
          finishUri: finish.uri,
          clientNonce: finish.nonce,
          interactId: randomUUID(),
          interactNonce: secret(),
          interactionExpiresAt: new Date(Date.now() + config.interactionTtlSeconds * 1000)
        })
        .returning()
      return {
        kind: 'interact',
        redirect: u.interact(grant!.interactId!, grant!.interactNonce!),
        finish: grant!.interactNonce!,
        continueToken: grant!.continueToken,
        continueUri: u.continue(grant!.continueId),
        wait: config.grantWaitSeconds
      }
    },

    async getByContinueId(continueId) {
      if (!isUuid(continueId)) return undefined
      const [grant] = await db.select().from(grants).where(eq(grants.continueId, continueId))
      return grant
    },

    async continue(grant, continueToken, interactRef) {
      if (continueToken !== grant.continueToken) return fail('invalid_continuation', 'wrong continuation token')
      if (grant.state === 'finalized') {
        return grant.finalizationReason === 'rejected' ? fail('request_denied') : fail('unknown_continuation')
      }
      const now = new Date()
      const waitUntil = (grant.lastContinuedAt ?? grant.createdAt).getTime() + (grant.waitSeconds ?? 0) * 1000
      // Record this attempt before answering, so that a client that ignores `wait` keeps being told so.
      await db.update(grants).set({ lastContinuedAt: now }).where(eq(grants.id, grant.id))
      if (now.getTime() < waitUntil) return fail('too_fast')
      if (interactRef !== undefined && interactRef !== grant.interactRef) return fail('invalid_continuation', 'interact_ref does not match')
      if (grant.state === 'pending') {
        if (interactionExpired(grant, now)) return fail('request_denied', 'the interaction expired')
        return {
          kind: 'pending',
          continueToken: grant.continueToken,
          continueUri: u.continue(grant.continueId),
          wait: grant.waitSeconds ?? 0
        }
      }
      // Approved: issue exactly once, guarded by the state transition.
      const finalized = await db
        .update(grants)
        .set({ state: 'finalized', finalizationReason: 'issued' })
        .where(and(eq(grants.id, grant.id), eq(grants.state, 'approved')))
        .returning()
      if (finalized.length === 0) return fail('unknown_continuation')
      return {
        kind: 'issued',
        accessToken: await issueToken(grant.id, grant.access as AccessItem[]),
        continueToken: grant.continueToken,
        continueUri: u.continue(grant.continueId)
      }
    },

    async cancel(grant, continueToken) {
      if (continueToken !== grant.continueToken) return fail('invalid_continuation', 'wrong continuation token')
      await db.update(grants).set({ state: 'finalized', finalizationReason: 'revoked' }).where(eq(grants.id, grant.id))
      await db
        .update(accessTokens)
        .set({ revokedAt: new Date() })
        .where(and(eq(accessTokens.grantId, grant.id), isNull(accessTokens.revokedAt)))
    },

    async getInteraction(interactId, nonce) {
      if (!isUuid(interactId)) return undefined
      const [grant] = await db.select().from(grants).where(eq(grants.interactId, interactId))
      return grant && grant.interactNonce === nonce ? grant : undefined
    },

    async approve(grant) {
      if (grant.state !== 'pending' || interactionExpired(grant)) return fail('invalid_request', 'interaction is no longer pending')
      const interactRef = randomUUID()
      const updated = await db
        .update(grants)
        .set({ state: 'approved', interactRef })
        .where(and(eq(grants.id, grant.id), eq(grants.state, 'pending')))
        .returning()
      if (updated.length === 0) return fail('invalid_request', 'interaction is no longer pending')
      const hash = createHash('sha256')
        .update(`${grant.clientNonce}\n${grant.interactNonce}\n${interactRef}\n${u.authServer()}`)
        .digest('base64')
      return withQuery(grant.finishUri!, { hash, interact_ref: interactRef })
    },

    async deny(grant) {
      if (grant.state !== 'pending' || interactionExpired(grant)) return fail('invalid_request', 'interaction is no longer pending')
      const updated = await db
        .update(grants)
        .set({ state: 'finalized', finalizationReason: 'rejected' })
        .where(and(eq(grants.id, grant.id), eq(grants.state, 'pending')))
        .returning()
      if (updated.length === 0) return fail('invalid_request', 'interaction is no longer pending')
      return withQuery(grant.finishUri!, { result: 'grant_rejected' })
    },

    invalidRedirect(grant) {
      return grant.finishUri ? withQuery(grant.finishUri, { result: 'grant_invalid' }) : undefined
    },

    async getTokenByManageId(manageId) {
      if (!isUuid(manageId)) return undefined
      const [row] = await db
        .select()
        .from(accessTokens)
        .innerJoin(grants, eq(grants.id, accessTokens.grantId))
        .where(eq(accessTokens.manageId, manageId))
      return row ? { token: row.access_tokens, grant: row.grants } : undefined
    },

    async rotate(token, grant) {
      if (token.revokedAt || grant.finalizationReason !== 'issued') return fail('invalid_rotation')
      // An expired token may still be rotated: that is how a client renews access without consent.
      const revoked = await db
        .update(accessTokens)
        .set({ revokedAt: new Date() })
        .where(and(eq(accessTokens.id, token.id), isNull(accessTokens.revokedAt)))
        .returning()
      if (revoked.length === 0) return fail('invalid_rotation')
      return issueToken(grant.id, grant.access as AccessItem[])
    },

    async revoke(token) {
      await db.update(accessTokens).set({ revokedAt: new Date() }).where(eq(accessTokens.id, token.id))
    },

    async introspect(value) {
      const [row] = await db
        .select()
        .from(accessTokens)
        .innerJoin(grants, eq(grants.id, accessTokens.grantId))
        .where(eq(accessTokens.value, value))
      if (!row) return undefined
      const { access_tokens: token, grants: grant } = row
      if (token.revokedAt || token.expiresAt.getTime() <= Date.now()) return undefined
      if (grant.state !== 'finalized' || grant.finalizationReason !== 'issued') return undefined
      return { token, grant }
    }
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
export const isUuid = (value: string) => UUID.test(value)

function withQuery(uri: string, params: Record<string, string>): string {
  const url = new URL(uri)
  for (const [key, value] of Object.entries(params)) url.searchParams.set(key, value)
  return url.toString()
}
