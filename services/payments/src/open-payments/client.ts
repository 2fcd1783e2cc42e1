import { createAuthenticatedClient, createUnauthenticatedClient, type AuthenticatedClient, type UnauthenticatedClient, type WalletAddress } from '@interledger/open-payments'
import type { Logger } from '@voces/platform'
import { NetGuardRefusal, type NetGuard } from '@voces/platform/net-guard'
import type { WalletAddressProblem } from '@voces/payments-contract'
import { CommonError, fail, isFailure, toWalletFailure, type Failure, type WalletFailure, type WalletStep, SellerError } from '../errors.ts'
import { createGrantTokenCache, type NonInteractiveAccess } from './grant-token-cache.ts'
import { loadPrivateKey, type KeyRef } from './keys.ts'
import { HOST_NOT_FOUND, type UrlGuard } from '@voces/platform/url-guard'
import { createWalletAddressCache } from './wallet-address-cache.ts'
import { signedTransport } from './transport.ts'

/** The identity the service signs wallet requests with: a seller's wallet address and key. */
export interface ClientIdentity {
  id: string
  walletAddressUrl: string
  keyId: string
  keyRef: KeyRef
}

export interface OpenPayments {
  /** The wallet address document at `url`, cached; a failure names `step`. */
  walletAddress(url: string, step: WalletStep): Promise<WalletAddress | WalletFailure>
  /** The signing client of a seller, created once per seller and key. */
  client(identity: ClientIdentity): Promise<AuthenticatedClient | Failure>
  /**
   * Runs `call` with a cached non-interactive token for `access` on `authServer`. A 401 or 403
   * answer (token revoked or lapsed early; Rafiki answers 403 for an inactive token) drops the
   * token and retries once with a new one.
   */
  withToken<T>(
    identity: ClientIdentity,
    grant: { authServer: string; access: NonInteractiveAccess },
    step: WalletStep,
    call: (client: AuthenticatedClient, accessToken: string) => Promise<T>
  ): Promise<T | Failure>
  /** Runs a signed call without a cached token (grants under their own tokens); errors become WalletFailures. */
  call<T>(identity: ClientIdentity, step: WalletStep, call: (client: AuthenticatedClient) => Promise<T>): Promise<T | Failure>
}

export function createOpenPayments(deps: {
  useHttp: boolean
  requestTimeoutMs: number
  walletAddressCacheMs: number
  logger: Logger
  /** Which wallet URLs may be fetched (user-given addresses and the servers their documents name). */
  urlGuard: UrlGuard
  /** Every request of the SDK's clients is checked again where it connects (DNS rebinding, redirects). */
  netGuard: NetGuard
}): OpenPayments {
  // Never below info: at debug the SDK logs whole responses, continuation and access tokens included.
  const sdkLevel = ['debug', 'trace'].includes(deps.logger.level) ? 'info' : deps.logger.level
  const sdkLogger = deps.logger.child({ component: 'open-payments-sdk' }, { level: sdkLevel })
  // The SDK bundles its own pino; ours is compatible at runtime.
  const base = { useHttp: deps.useHttp, validateResponses: true, requestTimeoutMs: deps.requestTimeoutMs, logger: sdkLogger as never }
  let anonymous: Promise<UnauthenticatedClient> | undefined
  const clients = new Map<string, Promise<AuthenticatedClient>>()
  const tokens = createGrantTokenCache()
  // The guard runs where the fetch happens, on a cache miss only: a cached document was checked
  // when it was fetched, and the hot path (every quote start) does no DNS look-up for it.
  const addresses = createWalletAddressCache({
    ttlMs: deps.walletAddressCacheMs,
    fetch: async (url) => {
      const unsafe = await deps.urlGuard.check(url)
      if (unsafe) throw new RefusedUrl(unsafe)
      anonymous ??= createUnauthenticatedClient(base).then((c) => deps.netGuard.wrap(c))
      const wallet = await (await anonymous).walletAddress.get({ url })
      // Its servers are fetched next: they must pass the same guard.
      for (const server of [wallet.authServer, wallet.resourceServer]) {
        const bad = await deps.urlGuard.check(server)
        if (bad) throw new RefusedUrl(`names a server that ${bad}`)
      }
      return wallet
    }
  })

  async function client(identity: ClientIdentity): Promise<AuthenticatedClient | Failure> {
    const cacheKey = `${identity.id}|${identity.walletAddressUrl}|${identity.keyId}`
    let pending = clients.get(cacheKey)
    if (!pending) {
      const key = loadPrivateKey(identity.keyRef)
      if (typeof key === 'string') {
        deps.logger.error({ sellerId: identity.id, problem: key }, 'seller key cannot be loaded')
        return fail(SellerError.InvalidSellerKey, `The key of seller ${identity.id} cannot be used: ${key}`)
      }
      // Signed requests go through transport.ts (undici on the guard's Agent); the SDK still builds and checks them.
      const authenticatedRequestInterceptor = signedTransport({ privateKey: key, keyId: identity.keyId, timeoutMs: deps.requestTimeoutMs, dispatcher: deps.netGuard.dispatcher })
      pending = createAuthenticatedClient({ ...base, walletAddressUrl: identity.walletAddressUrl, authenticatedRequestInterceptor }).then((c) => deps.netGuard.wrap(c))
      clients.set(cacheKey, pending)
      pending.catch(() => clients.delete(cacheKey))
    }
    return pending
  }

  return {
    async walletAddress(url, step) {
      const refused = (why: string, reason: WalletAddressProblem): WalletFailure => ({
        failure: CommonError.InvalidWalletAddress,
        message: `${url} cannot be used as a wallet address: it ${why}`,
        step,
        transient: false,
        reason
      })
      try {
        return await addresses.get(url)
      } catch (error) {
        if (error instanceof RefusedUrl) return refused(error.message, error.message === HOST_NOT_FOUND ? 'not_found' : 'not_allowed')
        if (error instanceof NetGuardRefusal) return refused('points to a private or reserved network address', 'not_allowed')
        const failure = toWalletFailure(step, error)
        // A wallet address that does not exist or is not Open Payments is the caller's mistake, not
        // an outage. Only the status is told: the remote answer is never echoed back.
        if (failure.status === 404) return refused('is not an Open Payments wallet address (HTTP 404)', 'not_found')
        if (!failure.transient) {
          return refused(`is not an Open Payments wallet address${failure.status ? ` (HTTP ${failure.status})` : ''}`, 'not_a_wallet')
        }
        // The wallet's server is down or slow: its fault, not the person's, and not this service's.
        return { ...failure, reason: 'unreachable' }
      }
    },
    client,
    async withToken(identity, grant, step, call) {
      const c = await client(identity)
      if (isFailure(c)) return c
      const key = { clientId: identity.id, authServer: grant.authServer, access: grant.access }
      for (let attempt = 0; ; attempt++) {
        const token = await tokens.get(c, key)
        if (isFailure(token)) return token
        try {
          return await call(c, token)
        } catch (error) {
          const failure = toWalletFailure(step, error)
          // An expired or revoked token: 401, or 403 "Inactive Token" on Rafiki. A non-interactive
          // grant is had again for the asking, so one retry with a fresh token costs nothing.
          if ((failure.status === 401 || failure.status === 403) && attempt === 0) {
            tokens.invalidate(key)
            continue
          }
          return failure
        }
      }
    },
    async call(identity, step, call) {
      const c = await client(identity)
      if (isFailure(c)) return c
      try {
        return await call(c)
      } catch (error) {
        return toWalletFailure(step, error)
      }
    }
  }
}

/** A wallet URL the guard refused: never fetched. */
class RefusedUrl extends Error {}
