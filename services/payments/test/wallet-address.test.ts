import { afterAll, beforeAll, expect, test } from 'vitest'
import { startHarness, type Harness } from './harness.ts'

let h: Harness
beforeAll(async () => {
  h = await startHarness()
})
afterAll(() => h?.close())

test('a reachable wallet address is described; a missing one, or a page that is not one, is a clear 400', async () => {
  const buyer = await h.buyer('EUR', 0n)
  const ok = await h.api('GET', `/wallet-addresses/check?url=${encodeURIComponent(buyer.url)}`)
  expect(ok.status).toBe(200)
  expect(ok.json.walletAddress).toMatchObject({ id: buyer.url, assetCode: 'EUR', assetScale: 2, authServer: `${h.sandbox.baseUrl}/auth` })

  const missing = await h.api('GET', `/wallet-addresses/check?url=${encodeURIComponent(`${h.sandbox.baseUrl}/nobody_here`)}`)
  expect(missing.status).toBe(400)
  expect(missing.json.error.code).toBe('invalid_wallet_address')

  const notWallet = await h.api('GET', `/wallet-addresses/check?url=${encodeURIComponent(`${h.baseUrl}/health`)}`)
  expect(notWallet.status).toBe(400)
  expect(notWallet.json.error.code).toBe('invalid_wallet_address')

  const notUrl = await h.api('GET', '/wallet-addresses/check?url=not-a-url')
  expect(notUrl.status).toBe(400)
  expect((await h.api('GET', `/wallet-addresses/check?url=${encodeURIComponent(buyer.url)}`, undefined, null)).status).toBe(401)
})

test('no request to an address the user chose unless it is allowed: loopback, private and plain-http wallets are refused without being fetched', async () => {
  // A canary on this machine counts every request it gets.
  let hits = 0
  const { createServer } = await import('node:http')
  const canary = createServer((_req, res) => {
    hits++
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"secret":"canary-body-7f3a"}')
  })
  await new Promise<void>((r) => canary.listen(0, '127.0.0.1', r))
  const port = (canary.address() as import('node:net').AddressInfo).port
  try {
    const targets = [
      `http://127.0.0.1:${port}/internal/secret-path`,
      `https://127.0.0.1:${port}/alice`,
      `https://localhost:${port}/alice`,
      'https://10.0.0.8/alice',
      'https://169.254.169.254/latest/meta-data',
      'https://[::1]/alice',
      'http://wallet.example/alice'
    ]
    for (const url of targets) {
      const check = await h.api('GET', `/wallet-addresses/check?url=${encodeURIComponent(url)}`)
      expect(check.status, url).toBe(400)
      expect(check.json.error.code).toBe('invalid_wallet_address')
      expect(check.json.error.message).not.toContain('canary-body')
    }
    const start = await h.api('POST', '/offers/ssrf/quotes/start', { sellerId: 'marketplace', buyerWalletAddressUrl: targets[0], amount: '1.00' })
    expect(start.status).toBe(400)
    const payout = await h.api('POST', '/payouts', { sellerId: 'marketplace', receiverWalletAddressUrl: targets[0], amount: '1.00', fixed: 'send', reference: 'ssrf-1' })
    expect([400, 409]).toContain(payout.status)
    expect(hits).toBe(0)
  } finally {
    await new Promise<void>((r) => canary.close(() => r()))
  }
})

test("a wallet's own answer is never echoed back in an error", async () => {
  // An allowed origin whose page is not a wallet address and answers with its own words.
  const r = await h.api('GET', `/wallet-addresses/check?url=${encodeURIComponent(`${h.sandbox.baseUrl}/admin/wallet-addresses`)}`)
  expect(r.status).toBe(400)
  expect(r.json.error.message).toMatch(/is not an Open Payments wallet address/)
  expect(r.json.error.message).not.toMatch(/token|Unauthorized|admin API/i)
})

test('every refusal names its cause for the person (reason), and payment pointers are read as their URL', async () => {
  const reason = async (typed: string) => {
    const r = await h.api('GET', `/wallet-addresses/check?url=${encodeURIComponent(typed)}`)
    return { status: r.status, code: r.json.error?.code, reason: r.json.error?.reason, message: r.json.error?.message as string }
  }
  expect(await reason('not a wallet')).toMatchObject({ status: 400, code: 'invalid_wallet_address', reason: 'invalid' })
  expect(await reason(`${h.sandbox.baseUrl}/nobody_here`)).toMatchObject({ status: 400, reason: 'not_found' })
  expect(await reason(`${h.sandbox.baseUrl}/admin/wallet-addresses`)).toMatchObject({ status: 400, reason: 'not_a_wallet' })
  expect(await reason('https://10.0.0.8/alice')).toMatchObject({ status: 400, reason: 'not_allowed' })
  // A pointer is fetched as https://localhost/alice: refused by the guard, and the message shows the URL.
  const pointer = await reason('$localhost/alice')
  expect(pointer).toMatchObject({ status: 400, reason: 'not_allowed' })
  expect(pointer.message).toContain('https://localhost/alice')

  // The wallet's server fails (503 from the sandbox's fault injection): unreachable, a 503 — the
  // wallet's fault, not the caller's typo and not this service's.
  const buyer = await h.buyer('EUR', 0n)
  await h.sandbox.admin.setFaults({ errorRate: 1, paths: [new URL(buyer.url).pathname] })
  try {
    expect(await reason(buyer.url)).toMatchObject({ status: 503, code: 'wallet_unavailable', reason: 'unreachable' })
  } finally {
    await h.sandbox.admin.setFaults({})
  }
})
