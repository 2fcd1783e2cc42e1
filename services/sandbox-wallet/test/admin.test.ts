import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { ConfigError } from '@voces/platform'
import { loadSandboxConfig } from '../src/config.ts'
import { startTestSandbox, type TestSandbox } from '../src/testing.ts'

describe('configuration', () => {
  test('an invalid value stops start-up with a message naming the variable', () => {
    expect(() => loadSandboxConfig({ SANDBOX_PORT: 'many' })).toThrow(ConfigError)
    expect(() => loadSandboxConfig({ SANDBOX_PORT: 'many' })).toThrow(/SANDBOX_PORT/)
    expect(() => loadSandboxConfig({ SANDBOX_BASE_URL: 'not a url' })).toThrow(/SANDBOX_BASE_URL/)
    expect(() => loadSandboxConfig({ SANDBOX_ADMIN_TOKEN: 'short' })).toThrow(/SANDBOX_ADMIN_TOKEN/)
  })

  test('the base URL (wallet addresses, auth server) follows the port unless given', () => {
    expect(loadSandboxConfig({}).baseUrl).toBe('http://localhost:4100')
    expect(loadSandboxConfig({ SANDBOX_PORT: '4600' }).baseUrl).toBe('http://localhost:4600')
    expect(loadSandboxConfig({ SANDBOX_PORT: '4600', SANDBOX_BASE_URL: 'https://wallet.example/' }).baseUrl).toBe('https://wallet.example')
  })

  test('production turns OpenAPI self-validation off; elsewhere it is on', () => {
    expect(loadSandboxConfig({}).validateOpenApi).toBe(true)
    expect(loadSandboxConfig({ NODE_ENV: 'production' }).validateOpenApi).toBe(false)
  })
})

describe('admin API and fault injection', () => {
  let sandbox: TestSandbox
  beforeAll(async () => {
    sandbox = await startTestSandbox()
  })
  afterAll(() => sandbox.close())

  test('refuses calls without the admin token', async () => {
    for (const token of [undefined, 'Bearer wrong-token-of-some-length']) {
      const response = await fetch(`${sandbox.baseUrl}/admin/wallet-addresses`, { headers: token ? { authorization: token } : {} })
      expect(response.status).toBe(401)
    }
  })

  test('creates wallet addresses, refuses duplicates, reserved names and unknown assets, and takes deposits', async () => {
    const { url } = await sandbox.admin.createWalletAddress({ name: 'admin_w', publicName: 'Admin W', assetCode: 'EUR' })
    expect(url).toBe(`${sandbox.baseUrl}/admin_w`)
    await expect(sandbox.admin.createWalletAddress({ name: 'admin_w', publicName: 'again', assetCode: 'EUR' })).rejects.toThrow(/409/)
    await expect(sandbox.admin.createWalletAddress({ name: 'quotes', publicName: 'x', assetCode: 'EUR' })).rejects.toThrow(/400/)
    await expect(sandbox.admin.createWalletAddress({ name: 'admin_x', publicName: 'x', assetCode: 'BTC' })).rejects.toThrow(/400/)
    await sandbox.admin.deposit('admin_w', 1234n)
    await sandbox.admin.deposit('admin_w', 1n)
    expect(await sandbox.admin.balance('admin_w')).toBe(1235n)
    // `balance` is what the wallet may spend; `pending` what its incoming payments hold until they complete or expire.
    const described = await fetch(`${sandbox.baseUrl}/admin/wallet-addresses/admin_w`, { headers: { authorization: `Bearer ${sandbox.adminToken}` } })
    expect(await described.json()).toMatchObject({ balance: '1235', balanceFormatted: '12.35', pending: '0', pendingFormatted: '0.00' })
    expect(await sandbox.admin.pending('admin_w')).toBe(0n)
    const doc = (await (await fetch(url)).json()) as Record<string, unknown>
    expect(doc).toEqual({
      id: url,
      publicName: 'Admin W',
      assetCode: 'EUR',
      assetScale: 2,
      authServer: `${sandbox.baseUrl}/auth`,
      resourceServer: sandbox.baseUrl
    })
  })

  test('injected errors answer 503 on the chosen paths only; dropped responses close the connection', async () => {
    await sandbox.admin.createWalletAddress({ name: 'fault_w', publicName: 'Fault', assetCode: 'MXN' })
    await sandbox.admin.setFaults({ errorRate: 1, paths: ['/fault_w'] })
    expect((await fetch(`${sandbox.baseUrl}/fault_w`)).status).toBe(503)
    expect((await fetch(`${sandbox.baseUrl}/admin_w`)).status).toBe(200)
    await sandbox.admin.setFaults({ dropRate: 1, paths: ['/fault_w'] })
    await expect(fetch(`${sandbox.baseUrl}/fault_w`)).rejects.toThrow()
    await sandbox.admin.setFaults({})
    expect((await fetch(`${sandbox.baseUrl}/fault_w`)).status).toBe(200)
  })
})

describe('wallet address server', () => {
  let sandbox: TestSandbox
  beforeAll(async () => {
    sandbox = await startTestSandbox()
  })
  afterAll(() => sandbox.close())

  test('an unknown wallet address is a bare 404, which the SDK reports as not found', async () => {
    const { createUnauthenticatedClient } = await import('@interledger/open-payments')
    const client = await createUnauthenticatedClient({ useHttp: true, validateResponses: true })
    await expect(client.walletAddress.get({ url: `${sandbox.baseUrl}/nobody_here` })).rejects.toMatchObject({ status: 404 })
    expect((await fetch(`${sandbox.baseUrl}/nobody_here/jwks.json`)).status).toBe(404)
  })
})
