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
