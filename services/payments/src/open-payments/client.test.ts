import { afterAll, beforeAll, expect, test } from 'vitest'
import { generateKeyPairSync } from 'node:crypto'
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { createLogger } from '@voces/platform'
import { createNetGuard, type Resolve } from '@voces/platform/net-guard'
import type { AuthenticatedClient } from '@interledger/open-payments'
import { createOpenPayments } from './client.ts'
import { createUrlGuard } from '@voces/platform/url-guard'

// Issue 12, DNS rebinding: the wallet's name answers a public address when the URL is checked and
// 127.0.0.1 when the SDK connects. A loopback canary counts every connection it receives.
let canary: Server
let port = 0
let connections = 0
let lastHeaders: IncomingHttpHeaders | undefined
let lastRawNames: string[] = []
beforeAll(async () => {
  canary = createServer((req, res) => {
    lastHeaders = req.headers
    lastRawNames = req.rawHeaders.filter((_, i) => i % 2 === 0).map((name) => name.toLowerCase())
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"secret":"canary"}')
  })
  canary.on('connection', () => connections++)
  await new Promise<void>((resolve) => canary.listen(0, '127.0.0.1', resolve))
  port = (canary.address() as AddressInfo).port
})
afterAll(() => new Promise<void>((resolve) => canary.close(() => resolve())))

const publicAtCheck = async () => ['93.184.216.34']
const loopbackAtConnect: Resolve = async () => [{ address: '127.0.0.1', family: 4 }]

function openPayments(allowedAtConnect: string[]) {
  const netGuard = createNetGuard({ allowedOrigins: allowedAtConnect, resolve: loopbackAtConnect })
  const client = createOpenPayments({
    // The SDK then speaks http to the canary (as in dev and test), so a connection that got through would be seen.
    useHttp: true,
    requestTimeoutMs: 2000,
    walletAddressCacheMs: 0,
    logger: createLogger({ level: 'silent', name: 'test' }),
    urlGuard: createUrlGuard({ allowedOrigins: [], resolve: publicAtCheck }),
    netGuard
  })
  return { client, netGuard }
}

test('a wallet name that resolves to 127.0.0.1 at connect time is refused, never connected, and told as not allowed', async () => {
  const { client, netGuard } = openPayments([])
  const url = `https://wallet.rebind.test:${port}/alice`
  const failure = await client.walletAddress(url, 'buyer_wallet_address')
  expect(failure).toMatchObject({ failure: 'invalid_wallet_address', reason: 'not_allowed' })
  expect(JSON.stringify(failure)).not.toContain('canary')
  expect(connections).toBe(0)
  await netGuard.close()
})

test('the same request reaches the canary when its origin is allowed by configuration (the test can fail)', async () => {
  const { client, netGuard } = openPayments([`http://wallet.rebind.test:${port}`])
  await client.walletAddress(`https://wallet.rebind.test:${port}/alice`, 'buyer_wallet_address')
  expect(connections).toBeGreaterThan(0)
  await netGuard.close()
})

// Signed calls go through transport.ts (undici on the guard's Agent), not fetch: the same guard.
process.env.CLIENT_TEST_SELLER_KEY = generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString()
const seller = { id: 'seller-1', walletAddressUrl: 'https://wallet.rebind.test/market', keyId: 'key-1', keyRef: { kind: 'env' as const, name: 'CLIENT_TEST_SELLER_KEY' } }
const createIncoming = (url: string) => (c: AuthenticatedClient) =>
  c.incomingPayment.create({ url, accessToken: 'token-1' }, { walletAddress: `${url}/market`, incomingAmount: { value: '100', assetCode: 'MXN', assetScale: 2 } })

test('a signed call to a name that resolves to 127.0.0.1 at connect time is refused and never connected', async () => {
  const { client, netGuard } = openPayments([])
  const before = connections
  const failure = await client.call(seller, 'incoming_payment', createIncoming(`http://wallet.rebind.test:${port}`))
  expect(failure).toMatchObject({ failure: 'wallet_unavailable', step: 'incoming_payment' })
  expect(JSON.stringify(failure)).toContain('resolves to a loopback address')
  expect(JSON.stringify(failure)).not.toContain('canary')
  expect(connections).toBe(before)
  await netGuard.close()
})

test('a signed call reaches an allowed origin signed as the SDK signs (the test can fail)', async () => {
  const { client, netGuard } = openPayments([`http://wallet.rebind.test:${port}`])
  const before = connections
  lastHeaders = undefined
  // The canary's answer is not an incoming payment: the SDK's check of the answer still runs and refuses it.
  const failure = await client.call(seller, 'incoming_payment', createIncoming(`http://wallet.rebind.test:${port}`))
  expect(failure).toMatchObject({ failure: 'wallet_rejected', message: expect.stringMatching(/validate/i) })
  expect(connections).toBeGreaterThan(before)
  // Set by the canary's handler meanwhile (TypeScript still sees the `undefined` assigned above).
  const headers = lastHeaders as IncomingHttpHeaders | undefined
  expect(headers).toMatchObject({ authorization: 'GNAP token-1', 'content-type': 'application/json' })
  expect(headers?.['signature-input']).toMatch(/^sig1=\("@method" "@target-uri" "authorization" "content-digest" "content-length" "content-type"\);keyid="key-1";created=\d+$/)
  expect(headers?.['content-digest']).toMatch(/^sha-512=:/)
  expect(headers?.signature).toMatch(/^sig1=:/)
  // Each signed header once (Node keeps the first of two Content-Types; another server might join them).
  for (const name of ['content-type', 'content-length', 'content-digest', 'signature', 'signature-input', 'authorization']) {
    expect(lastRawNames.filter((n) => n === name), name).toHaveLength(1)
  }
  await netGuard.close()
})
