import { randomBytes, randomUUID } from 'node:crypto'
import { and, eq, isNull } from 'drizzle-orm'
import type { JWK } from '@interledger/http-signature-utils'
import type { Clock, Db } from '@voces/platform'
import { accessTokens, grants } from '../db/schema.ts'
import { urls, type SandboxConfig } from '../config.ts'
import { fail, type Failure } from '../http/errors.ts'
import type { WalletAddressService } from '../wallet-address/service.ts'
import { isRejected, type AccessItem, type AccessToken, type Grant, type GrantRequestBody } from './model.ts'
import type { ClientUrls } from '../http/client-urls.ts'
import { createClientDirectory, type ClientDisplay } from './client.ts'
import { createInteractionService, isUuid, withQuery, type InteractionService } from './interaction.ts'

export { isUuid }

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
  /** The grant a continuation URI and token name, unless it was cancelled (Rafiki's `getByContinue`). */
  getByContinue(continueId: string, continueToken: string): Promise<Grant | undefined>
  continue(grant: Grant, body: { interact_ref?: string } | undefined): Promise<GrantResponse | Failure>
  cancel(grant: Grant): Promise<void>
  describeClient(walletAddressUrl: string): Promise<ClientDisplay | undefined>
  /** The consent page's side of the auth server. */
  interactions: InteractionService
  /** Token management: only a token that is neither revoked nor rotated can be managed. */
  getTokenByManageId(manageId: string): Promise<{ token: AccessToken; grant: Grant } | undefined>
  rotate(token: AccessToken, grant: Grant): Promise<TokenJson | Failure>
  revoke(token: AccessToken): Promise<void>
  /** For the resource server: a usable token and its grant. */
  introspect(value: string): Promise<{ token: AccessToken; grant: Grant } | undefined>
}

export function createGrantService(deps: {
  db: Db
  config: SandboxConfig
  clock: Clock
  walletAddresses: WalletAddressService
  clientUrls: ClientUrls
}): GrantService {
  const { db, config, clock } = deps
  const u = urls(config)
  const clients = createClientDirectory(deps)

  async function issueToken(grantId: string, access: AccessItem[]): Promise<TokenJson> {
    const expiresAt = new Date(clock.now().getTime() + config.accessTokenTtlSeconds * 1000)
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

  const continuation = (grant: Grant) => ({ continueToken: grant.continueToken, continueUri: u.continue(grant.continueId) })

  /** Approved → finalized, once: the token is issued to the first continuation only. */
  async function issueOnce(grant: Grant): Promise<GrantResponse | Failure> {
    const finalized = await db
      .update(grants)
      .set({ state: 'finalized', finalizationReason: 'issued' })
      .where(and(eq(grants.id, grant.id), eq(grants.state, 'approved')))
      .returning({ id: grants.id })
    if (finalized.length === 0) return fail('request_denied', 'grant cannot be continued')
    return { kind: 'issued', accessToken: await issueToken(grant.id, grant.access as AccessItem[]), ...continuation(grant) }
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
      const now = clock.now()

      if (!access.some((item) => item.type === 'outgoing-payment')) {
        const [grant] = await db
          .insert(grants)
          .values({
            state: 'finalized',
            finalizationReason: 'issued',
            client: client.walletAddress,
            clientJwk: client.jwk,
            access,
            continueToken: secret(),
            lastContinuedAt: now
          })
          .returning()
        return { kind: 'issued', accessToken: await issueToken(grant!.id, access), ...continuation(grant!) }
      }

      // Only `start` is required: without `finish` the client polls the continuation (Rafiki's
      // createPendingGrant, packages/auth/src/grant/routes.ts).
      if (!body.interact?.start.includes('redirect')) return fail('interaction_required')
      const display = client.walletAddress ? await clients.describe(client.walletAddress) : undefined
      if (!display) return fail('unknown_client', "missing required request field 'client'")
      const finish = body.interact.finish
      const [grant] = await db
        .insert(grants)
        .values({
          state: 'pending',
          client: client.walletAddress,
          access,
          continueToken: secret(),
          waitSeconds: config.grantWaitSeconds,
          finishUri: finish?.uri ?? null,
          clientNonce: finish?.nonce ?? null,
          interactId: randomUUID(),
          interactNonce: secret(),
          // Rafiki counts `wait` from the grant's creation (and then from each pending poll).
          lastContinuedAt: now,
          interactionExpiresAt: new Date(now.getTime() + config.interactionTtlSeconds * 1000)
        })
        .returning()
      return {
        kind: 'interact',
        // As Rafiki's toOpenPaymentPendingGrant: the client's name and URI ride on the redirect.
        redirect: withQuery(u.interact(grant!.interactId!, grant!.interactNonce!), { clientName: display.name, clientUri: display.uri }),
        finish: grant!.interactNonce!,
        ...continuation(grant!),
        wait: config.grantWaitSeconds
      }
    },

    async getByContinue(continueId, continueToken) {
      if (!isUuid(continueId)) return undefined
      const [grant] = await db
        .select()
        .from(grants)
        .where(and(eq(grants.continueId, continueId), eq(grants.continueToken, continueToken)))
      return grant && !(grant.state === 'finalized' && grant.finalizationReason === 'revoked') ? grant : undefined
    },

    // Rafiki's continueGrant / pollGrantContinuation (packages/auth/src/grant/routes.ts), in its order.
    async continue(grant, body) {
      const now = clock.now()
      const waitUntil = (grant.lastContinuedAt ?? grant.createdAt).getTime() + (grant.waitSeconds ?? 0) * 1000
      // A `too_fast` answer does not move the window: only a pending poll answered 200 does.
      const tooFast = now.getTime() < waitUntil
      if (!body || Object.keys(body).length === 0) {
        if (tooFast) return fail('too_fast')
        // A client that gave a finish URI learns the outcome from the redirect, never by polling.
        if (grant.finishUri !== null) return fail('request_denied', 'grant cannot be polled')
        if (grant.state === 'pending') {
          await db.update(grants).set({ lastContinuedAt: now }).where(eq(grants.id, grant.id))
          return { kind: 'pending', ...continuation(grant), wait: grant.waitSeconds ?? 0 }
        }
        if (grant.state !== 'approved') return fail('request_denied', 'grant cannot be continued')
        return issueOnce(grant)
      }
      if (!body.interact_ref) return fail('interact_ref_required')
      if (body.interact_ref !== grant.interactRef || isRejected(grant)) return fail('unknown_continuation')
      if (tooFast) return fail('too_fast')
      if (grant.state !== 'approved') return fail('request_denied', 'grant interaction not approved')
      return issueOnce(grant)
    },

    async cancel(grant) {
      await db.update(grants).set({ state: 'finalized', finalizationReason: 'revoked' }).where(eq(grants.id, grant.id))
      await db
        .update(accessTokens)
        .set({ revokedAt: clock.now() })
        .where(and(eq(accessTokens.grantId, grant.id), isNull(accessTokens.revokedAt)))
    },

    describeClient: (walletAddressUrl) => clients.describe(walletAddressUrl),

    interactions: createInteractionService({ db, config, clock }),

    async getTokenByManageId(manageId) {
      if (!isUuid(manageId)) return undefined
      const [row] = await db
        .select()
        .from(accessTokens)
        .innerJoin(grants, eq(grants.id, accessTokens.grantId))
        .where(and(eq(accessTokens.manageId, manageId), isNull(accessTokens.revokedAt)))
      return row ? { token: row.access_tokens, grant: row.grants } : undefined
    },

    async rotate(token, grant) {
      // An expired token may still be rotated: that is how a client renews access without consent.
      // The old token is revoked first and at once, so a lost answer leaves it dead (as on Rafiki).
      const revoked = await db
        .update(accessTokens)
        .set({ revokedAt: clock.now() })
        .where(and(eq(accessTokens.id, token.id), isNull(accessTokens.revokedAt)))
        .returning({ id: accessTokens.id })
      if (revoked.length === 0) return fail('invalid_rotation')
      return issueToken(grant.id, grant.access as AccessItem[])
    },

    async revoke(token) {
      await db
        .update(accessTokens)
        .set({ revokedAt: clock.now() })
        .where(and(eq(accessTokens.id, token.id), isNull(accessTokens.revokedAt)))
    },

    async introspect(value) {
      const [row] = await db
        .select()
        .from(accessTokens)
        .innerJoin(grants, eq(grants.id, accessTokens.grantId))
        .where(eq(accessTokens.value, value))
      if (!row) return undefined
      const { access_tokens: token, grants: grant } = row
      if (token.revokedAt || token.expiresAt.getTime() <= clock.now().getTime()) return undefined
      if (grant.state !== 'finalized' || grant.finalizationReason !== 'issued') return undefined
      return { token, grant }
    }
  }
}
