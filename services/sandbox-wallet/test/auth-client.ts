import { randomUUID, type KeyObject } from 'node:crypto'
import { createAuthenticatedClient, type AuthenticatedClient, type PendingGrant } from '@interledger/open-payments'
import { createHeaders, generateJwk, generateKey } from '@interledger/http-signature-utils'
import { startTestSandbox, type TestSandbox } from '../src/testing.ts'
import { wallet } from './helpers.ts'

/** Rafiki's default `wait` for interactive grants, as the sandbox runs it in these suites. */
export const WAIT_MS = 5_000
export const FINISH_URI = 'http://shop.test/finish'

export interface SignedClient {
  walletAddressUrl: string
  publicName: string
  keyId: string
  privateKey: KeyObject
  client: AuthenticatedClient
}

/** A client wallet with a registered key, kept at hand for requests the SDK cannot make. */
export async function signedClient(sandbox: TestSandbox, name: string): Promise<SignedClient> {
  const publicName = `Shop ${name}`
  const { url } = await sandbox.admin.createWalletAddress({ name, publicName, assetCode: 'MXN' })
  const privateKey = generateKey()
  const keyId = `key-${randomUUID()}`
  await sandbox.admin.registerKey(name, generateJwk({ privateKey, keyId }))
  const client = await createAuthenticatedClient({ walletAddressUrl: url, keyId, privateKey, useHttp: true, validateResponses: true })
  return { walletAddressUrl: url, publicName, keyId, privateKey, client }
}

/** A request signed by the client's key, without `Authorization` (the SDK always sends one). */
export async function signedWithoutToken(c: SignedClient, method: 'POST' | 'DELETE', url: string) {
  const headers = await createHeaders({ request: { method, url, headers: {} }, privateKey: c.privateKey, keyId: c.keyId })
  return fetch(url, { method, headers: { ...headers } as Record<string, string> })
}

export interface AuthEnv {
  sandbox: TestSandbox
  shop: SignedClient
  buyerUrl: string
  authServer: string
}

/**
 * A sandbox with Rafiki's `wait`, a signed shop client and a funded buyer; `env()` is read at each
 * call, so the helpers can be taken before `beforeAll` starts the sandbox.
 */
export async function startAuthEnv(prefix: string): Promise<AuthEnv> {
  const sandbox = await startTestSandbox({ config: { grantWaitSeconds: WAIT_MS / 1000 } })
  const shop = await signedClient(sandbox, `${prefix}_shop`)
  const buyerUrl = await wallet(sandbox, `${prefix}_buyer`, 'MXN', 10_000n)
  const authServer = (await shop.client.walletAddress.get({ url: buyerUrl })).authServer
  return { sandbox, shop, buyerUrl, authServer }
}

/** What a client asking for outgoing-payment grants does, with the official SDK. */
export function grantClient(env: () => AuthEnv) {
  function outgoingGrant(finish: boolean, clientNonce = randomUUID()) {
    const { shop, authServer, buyerUrl } = env()
    return shop.client.grant.request(
      { url: authServer },
      {
        access_token: {
          access: [
            {
              type: 'outgoing-payment',
              actions: ['create', 'read'],
              identifier: buyerUrl,
              limits: { debitAmount: { value: '500', assetCode: 'MXN', assetScale: 2 } }
            }
          ]
        },
        interact: finish ? { start: ['redirect'], finish: { method: 'redirect', uri: FINISH_URI, nonce: clientNonce } } : { start: ['redirect'] }
      }
    ) as Promise<PendingGrant>
  }

  const continuation = (grant: PendingGrant) => ({ url: grant.continue.uri, accessToken: grant.continue.access_token.value })

  return {
    outgoingGrant,
    continuation,
    poll: (grant: PendingGrant) => env().shop.client.grant.continue(continuation(grant)),
    continueWith: (grant: PendingGrant, interactRef: string) => env().shop.client.grant.continue(continuation(grant), { interact_ref: interactRef }),
    /** Submits the Approve or Deny form of the consent page, as the browser does, without following redirects. */
    async answer(grant: PendingGrant, decision: 'approve' | 'deny') {
      const base = new URL(grant.interact.redirect)
      return fetch(new URL(`${base.pathname}/${decision}`, base), { method: 'POST', redirect: 'manual' })
    }
  }
}
