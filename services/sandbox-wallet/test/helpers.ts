import { randomUUID, createHash } from 'node:crypto'
import { createAuthenticatedClient, isFinalizedGrantWithAccessToken, type AuthenticatedClient } from '@interledger/open-payments'
import { generateJwk, generateKey } from '@interledger/http-signature-utils'
import type { TestSandbox } from '../src/testing.ts'

export interface TestClient {
  walletAddressUrl: string
  keyId: string
  client: AuthenticatedClient
}

/** A client identity on the sandbox: a wallet address with a freshly registered Ed25519 key, and the real SDK. */
export async function createTestClient(sandbox: TestSandbox, name = `client_${randomUUID().slice(0, 8)}`): Promise<TestClient> {
  const { url } = await sandbox.admin.createWalletAddress({ name, publicName: `Shop ${name}`, assetCode: 'MXN' })
  const privateKey = generateKey()
  const keyId = `key-${randomUUID()}`
  await sandbox.admin.registerKey(name, generateJwk({ privateKey, keyId }))
  const client = await createAuthenticatedClient({ walletAddressUrl: url, keyId, privateKey, useHttp: true, validateResponses: true })
  return { walletAddressUrl: url, keyId, client }
}

export async function wallet(sandbox: TestSandbox, name: string, assetCode: string, deposit = 0n) {
  const { url } = await sandbox.admin.createWalletAddress({ name, publicName: name, assetCode })
  if (deposit > 0n) await sandbox.admin.deposit(name, deposit)
  return url
}

export function finishHash(clientNonce: string, interactNonce: string, interactRef: string, authServer: string) {
  return createHash('sha256').update(`${clientNonce}\n${interactNonce}\n${interactRef}\n${authServer}`).digest('base64')
}

export async function nonInteractiveToken(c: TestClient, authServer: string, type: 'incoming-payment' | 'quote') {
  const grant = await c.client.grant.request(
    { url: authServer },
    {
      access_token: {
        access: [{ type, actions: type === 'quote' ? ['create', 'read'] : ['create', 'read', 'complete', 'list'] }]
      }
    } as never
  )
  if (!isFinalizedGrantWithAccessToken(grant)) throw new Error('expected a non-interactive grant')
  return grant.access_token
}

export async function waitFor<T>(check: () => Promise<T | undefined>, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await check()
    if (value !== undefined) return value
    if (Date.now() > deadline) throw new Error('timed out waiting')
    await new Promise((resolve) => setTimeout(resolve, 25))
  }
}
