import { isFinalizedGrantWithAccessToken, type AuthenticatedClient } from '@interledger/open-payments'
import type { GrantRequest } from '@interledger/open-payments'
import { toWalletFailure, type WalletFailure, type WalletStep } from '../errors.ts'

type AccessItemRequest = NonNullable<GrantRequest['access_token']>['access'][number]

export type NonInteractiveAccess = 'incoming-payment' | 'quote'

const actions = {
  'incoming-payment': ['create', 'read', 'complete'],
  quote: ['create', 'read']
} as const

interface Token {
  value: string
  manage: string
  expiresAt: number
}

export interface GrantTokenCache {
  /** A valid access token for `access` on `authServer`, requested or rotated when due. */
  get(client: AuthenticatedClient, key: { clientId: string; authServer: string; access: NonInteractiveAccess }): Promise<string | WalletFailure>
  invalidate(key: { clientId: string; authServer: string; access: NonInteractiveAccess }): void
}

/**
 * Non-interactive grant tokens (incoming payments on the payee's wallet, quotes on the payer's),
 * reused until shortly before they expire, then rotated. Concurrent callers share one request.
 */
export function createGrantTokenCache(deps: { now?: () => number } = {}): GrantTokenCache {
  const now = deps.now ?? Date.now
  const tokens = new Map<string, Token>()
  const inFlight = new Map<string, Promise<string | WalletFailure>>()
  const keyOf = (k: { clientId: string; authServer: string; access: string }) => `${k.clientId}|${k.authServer}|${k.access}`

  async function acquire(client: AuthenticatedClient, key: string, authServer: string, access: NonInteractiveAccess) {
    const step: WalletStep = access === 'quote' ? 'quote_grant' : 'incoming_payment_grant'
    const current = tokens.get(key)
    if (current) {
      try {
        const rotated = await client.token.rotate({ url: current.manage, accessToken: current.value })
        return remember(key, rotated.access_token)
      } catch {
        // A token that cannot be rotated (revoked, expired grant) is replaced by a new grant.
        tokens.delete(key)
      }
    }
    try {
      const grant = await client.grant.request(
        { url: authServer },
        { access_token: { access: [{ type: access, actions: [...actions[access]] } as AccessItemRequest] } }
      )
      if (!isFinalizedGrantWithAccessToken(grant)) {
        return toWalletFailure(step, new Error('the wallet asked for interaction on a non-interactive grant'))
      }
      return remember(key, grant.access_token)
    } catch (error) {
      return toWalletFailure(step, error)
    }
  }

  function remember(key: string, token: { value: string; manage: string; expires_in?: number }): string {
    const lifetimeMs = (token.expires_in ?? 600) * 1000
    // Renew a little early: 10% of the lifetime, at most 30 s, so no request carries a token about to lapse.
    const margin = Math.min(30_000, lifetimeMs / 10)
    tokens.set(key, { value: token.value, manage: token.manage, expiresAt: now() + lifetimeMs - margin })
    return token.value
  }

  return {
    get(client, k) {
      const key = keyOf(k)
      const current = tokens.get(key)
      if (current && current.expiresAt > now()) return Promise.resolve(current.value)
      let pending = inFlight.get(key)
      if (!pending) {
        pending = acquire(client, key, k.authServer, k.access).finally(() => inFlight.delete(key))
        inFlight.set(key, pending)
      }
      return pending
    },
    invalidate(k) {
      tokens.delete(keyOf(k))
    }
  }
}
