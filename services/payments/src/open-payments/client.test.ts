import { afterAll, beforeAll, expect, test } from 'vitest'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { createLogger } from '@voces/platform'
import { createNetGuard, type Resolve } from '@voces/platform/net-guard'
import { createOpenPayments } from './client.ts'
import { createUrlGuard } from '@voces/platform/url-guard'

// Issue 12, DNS rebinding: the wallet's name answers a public address when the URL is checked and
// 127.0.0.1 when the SDK connects. A loopback canary counts every connection it receives.
let canary: Server
let port = 0
let connections = 0
beforeAll(async () => {
  canary = createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"secret":"canary"}'))
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
