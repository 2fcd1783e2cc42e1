import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { request } from 'undici'
import { createNetGuard, NetGuardRefusal, refusedAddress, type Resolve } from './net-guard.ts'

// A loopback canary: every TCP connection it receives is counted, answered or not.
let canary: Server
let port = 0
let connections = 0
beforeAll(async () => {
  canary = createServer((_req, res) => res.end('secret'))
  canary.on('connection', () => connections++)
  await new Promise<void>((resolve) => canary.listen(0, '127.0.0.1', resolve))
  port = (canary.address() as AddressInfo).port
})
afterAll(() => new Promise<void>((resolve) => canary.close(() => resolve())))

// The DNS of an attacker who rebinds: its names answer a loopback address at connect time.
const rebinding: Resolve = async (host) => {
  if (host.endsWith('.rebind.test') || host === 'allowed.test') return [{ address: '127.0.0.1', family: 4 }]
  if (host === 'mixed.test') return [{ address: '93.184.216.34', family: 4 }, { address: '::ffff:10.0.0.1', family: 6 }]
  throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' })
}

describe('connect-time guard (issue 12: DNS rebinding)', () => {
  const guard = createNetGuard({ allowedOrigins: [], resolve: rebinding })
  afterAll(() => guard.close())

  test('a name resolving to 127.0.0.1 at connect time is refused before any connection', async () => {
    const before = connections
    const error = await guard.run(() => fetch(`http://wallet.rebind.test:${port}/alice`)).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(NetGuardRefusal)
    expect((error as Error).message).toBe('wallet.rebind.test resolves to a loopback address: not connected')
    // One bad address among good ones is enough to refuse (the connection may try any of them).
    await expect(guard.run(() => fetch(`http://mixed.test:${port}/`))).rejects.toThrow(/mixed.test resolves to a private address/)
    // An address written as such is never looked up, and is checked all the same.
    await expect(guard.run(() => fetch(`http://127.0.0.1:${port}/`))).rejects.toThrow(/127.0.0.1 resolves to a loopback address/)
    await expect(guard.run(() => fetch(`http://[::1]:${port}/`))).rejects.toThrow(/::1 resolves to a loopback address/)
    expect(connections).toBe(before)
  })

  test('a redirect to a refused address is refused at its own connection', async () => {
    const redirector = createServer((_req, res) => res.writeHead(302, { location: `http://next.rebind.test:${port}/` }).end())
    await new Promise<void>((resolve) => redirector.listen(0, '127.0.0.1', resolve))
    const allowing = createNetGuard({ allowedOrigins: [`http://127.0.0.1:${(redirector.address() as AddressInfo).port}`], resolve: rebinding })
    const before = connections
    await expect(allowing.run(() => fetch(`http://127.0.0.1:${(redirector.address() as AddressInfo).port}/`))).rejects.toThrow(/next.rebind.test resolves to a loopback/)
    expect(connections).toBe(before)
    await allowing.close()
    await new Promise<void>((resolve) => redirector.close(() => resolve()))
  })

  test('an origin the configuration allows is reached; a name that does not resolve keeps its own error', async () => {
    const allowing = createNetGuard({ allowedOrigins: [`http://allowed.test:${port}`], resolve: rebinding })
    const res = await allowing.run(() => fetch(`http://allowed.test:${port}/`))
    expect(await res.text()).toBe('secret')
    // A body with the Content-Length its client set (and signed, as the SDK does): Node 20's fetch adds its own.
    const post = await allowing.run(() => fetch(`http://allowed.test:${port}/`, { method: 'POST', body: '{"a":1}', headers: { 'Content-Length': '7' } }))
    expect(post.status).toBe(200)
    // The same host on another port is not the allowed origin.
    await expect(allowing.run(() => fetch(`http://allowed.test:${port + 1}/`))).rejects.toThrow(NetGuardRefusal)
    const missing = await allowing.run(() => fetch('http://nowhere.test/')).catch((e: unknown) => e)
    expect(missing).not.toBeInstanceOf(NetGuardRefusal)
    await allowing.close()
  })

  test('requests outside the guard are untouched; a wrapped client runs every method under it', async () => {
    expect((await fetch(`http://127.0.0.1:${port}/`)).status).toBe(200)
    const client = guard.wrap({ walletAddress: { get: ({ url }: { url: string }) => fetch(url).then((r) => r.text()) } })
    await expect(client.walletAddress.get({ url: `http://rebind.rebind.test:${port}/` })).rejects.toThrow(NetGuardRefusal)
  })

  test("the guard's Agent refuses by itself, for a client that dispatches to it outside run", async () => {
    const before = connections
    await expect(request(`http://wallet.rebind.test:${port}/`, { dispatcher: guard.dispatcher })).rejects.toThrow(NetGuardRefusal)
    expect(connections).toBe(before)
  })

  test('only public unicast addresses pass', () => {
    for (const a of ['127.0.0.1', '10.1.2.3', '172.16.0.1', '192.168.1.1', '169.254.169.254', '100.64.0.1', '0.0.0.0', '::1', 'fe80::1', 'fc00::1', '::ffff:127.0.0.1', '224.0.0.1']) {
      expect(refusedAddress(a), a).toBeDefined()
    }
    for (const a of ['93.184.216.34', '2606:2800:220:1:248:1893:25c8:1946', '::ffff:93.184.216.34']) expect(refusedAddress(a), a).toBeUndefined()
  })
})
