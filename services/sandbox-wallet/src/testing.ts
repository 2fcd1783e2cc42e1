import { randomBytes } from 'node:crypto'
import type { JWK } from '@interledger/http-signature-utils'
import { createLogger, createTestClock, createTestDatabase, type Database, type TestClock } from '@voces/platform'
import { loadSandboxConfig, type SandboxConfig } from './config.ts'
import { buildSandboxApp, type SandboxApp } from './app.ts'
import { answerConsent } from './consent/answer.ts'

export interface TestSandbox {
  baseUrl: string
  adminToken: string
  sandbox: SandboxApp
  /** The sandbox's clock: advance it to pass an expiry or a `wait` window without sleeping. */
  clock: TestClock
  admin: {
    createWalletAddress(input: { name: string; publicName: string; assetCode: string }): Promise<{ id: string; url: string }>
    registerKey(name: string, jwk: JWK): Promise<void>
    deposit(name: string, value: bigint): Promise<void>
    /** What the wallet holds credited and spendable (the admin API's `balance`). */
    balance(name: string): Promise<bigint>
    /** What its open incoming payments received and hold until they complete or expire (the admin API's `pending`). */
    pending(name: string): Promise<bigint>
    setFaults(faults: { latencyMs?: number; errorRate?: number; dropRate?: number; paths?: string[] }): Promise<void>
  }
  /** What a person does on the consent page, over HTTP: returns the finish URL the browser is sent to. */
  approveConsent(redirectUrl: string): Promise<string>
  denyConsent(redirectUrl: string): Promise<string>
  close(): Promise<void>
}

/**
 * A sandbox wallet on a random port for tests, over real HTTP, with its own database (or the one
 * given, to share an embedded database with other services in the same test).
 */
export async function startTestSandbox(
  options: { database?: Database; config?: Partial<SandboxConfig>; resolve?: Parameters<typeof buildSandboxApp>[0]['resolve'] } = {}
): Promise<TestSandbox> {
  const database = options.database ?? (await createTestDatabase())
  const adminToken = randomBytes(24).toString('base64url')
  const config: SandboxConfig = {
    ...loadSandboxConfig({ NODE_ENV: 'test' }),
    adminToken,
    grantWaitSeconds: 0,
    settlementDelayMs: 50,
    ...options.config
  }
  const logger = createLogger({ level: process.env.TEST_LOG_LEVEL ?? 'silent', name: 'sandbox-wallet' })
  const clock = createTestClock()
  const sandbox = await buildSandboxApp({ config, database, logger, clock, ...(options.resolve ? { resolve: options.resolve } : {}) })
  await sandbox.app.listen({ host: '127.0.0.1', port: 0 })
  const address = sandbox.app.server.address()
  if (!address || typeof address === 'string') throw new Error('sandbox did not bind a port')
  config.baseUrl = `http://127.0.0.1:${address.port}`
  sandbox.start()

  const adminCall = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${config.baseUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${adminToken}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined
    })
    const json = (await response.json()) as Record<string, unknown>
    if (!response.ok) throw new Error(`sandbox admin ${method} ${path}: ${response.status} ${JSON.stringify(json)}`)
    return json
  }

  return {
    baseUrl: config.baseUrl,
    adminToken,
    sandbox,
    clock,
    admin: {
      async createWalletAddress(input) {
        const created = await adminCall('POST', '/admin/wallet-addresses', input)
        return { id: String(created.id), url: String(created.url) }
      },
      async registerKey(name, jwk) {
        await adminCall('POST', `/admin/wallet-addresses/${name}/keys`, { jwk })
      },
      async deposit(name, value) {
        await adminCall('POST', `/admin/wallet-addresses/${name}/deposits`, { value: value.toString() })
      },
      async balance(name) {
        return BigInt(String((await adminCall('GET', `/admin/wallet-addresses/${name}`)).balance))
      },
      async pending(name) {
        return BigInt(String((await adminCall('GET', `/admin/wallet-addresses/${name}`)).pending))
      },
      async setFaults(faults) {
        await adminCall('PUT', '/admin/faults', faults)
      }
    },
    approveConsent: (url) => answerConsent(url, 'approve'),
    denyConsent: (url) => answerConsent(url, 'deny'),
    async close() {
      await sandbox.stop()
      if (!options.database) await database.close()
    }
  }
}
