import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { randomBytes, randomUUID } from 'node:crypto'
import { generateJwk, generateKey } from '@interledger/http-signature-utils'
import { createLogger, createTestClock, createTestDatabase, type Database, type TestClock } from '@voces/platform'
import { startTestSandbox, type TestSandbox } from '../../sandbox-wallet/src/testing.ts'
import { buildPaymentsApp, type PaymentsApp } from '../src/app.ts'
import { defaultConfig, type PaymentsConfig } from '../src/config.ts'

export const RETURN_URL = 'http://localhost:8000/jobs/42'

export interface ReceivedWebhook {
  headers: Record<string, string>
  body: string
}

/** A webhook receiver on a random port that records what it gets; `failNext` answers 500 that many times. */
export async function startWebhookReceiver() {
  const received: ReceivedWebhook[] = []
  let failNext = 0
  const server: Server = createServer((req, res) => {
    let body = ''
    req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')))
    req.on('end', () => {
      if (failNext > 0) {
        failNext--
        res.writeHead(500).end()
        return
      }
      received.push({ headers: Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, String(v)])), body })
      res.writeHead(204).end()
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}/webhooks/payments`,
    received,
    failTimes(n: number) {
      failNext = n
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve()))
  }
}

/** A seller wallet on the sandbox with a fresh Ed25519 key written to a PEM file. */
export async function createSellerWallet(sandbox: TestSandbox, dir: string, name: string, assetCode = 'USD') {
  const wallet = await sandbox.admin.createWalletAddress({ name, publicName: `Seller ${name}`, assetCode })
  const keyId = `key-${randomUUID()}`
  const privateKey = generateKey()
  const privateKeyPath = join(dir, `${name}.pem`)
  writeFileSync(privateKeyPath, privateKey.export({ format: 'pem', type: 'pkcs8' }) as string, { mode: 0o600 })
  await sandbox.admin.registerKey(name, generateJwk({ privateKey, keyId }))
  return { name, url: wallet.url, keyId, privateKeyPath }
}

export interface Harness {
  sandbox: TestSandbox
  database: Database
  config: PaymentsConfig
  /** The payments service's clock (every process of the harness shares it): advance it past a deadline. */
  clock: TestClock
  service: PaymentsApp
  baseUrl: string
  token: string
  dir: string
  seller: { name: string; url: string; keyId: string; privateKeyPath: string }
  webhooks: Awaited<ReturnType<typeof startWebhookReceiver>>
  /** A new funded buyer wallet. */
  buyer(assetCode?: string, funds?: bigint): Promise<{ name: string; url: string }>
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- response bodies are checked by the tests' assertions
  api(method: string, path: string, body?: unknown, token?: string | null): Promise<{ status: number; json: Record<string, any> }>
  /** Starts another payments process on the same database and sandbox (for restart and multi-process tests). */
  startService(overrides?: Partial<PaymentsConfig>): Promise<{ service: PaymentsApp; baseUrl: string; config: PaymentsConfig }>
  close(): Promise<void>
}

let counter = 0
const unique = (prefix: string) => `${prefix}-${process.pid}-${++counter}-${randomBytes(2).toString('hex')}`

/** Sandbox wallet + payments service over real HTTP with a real database, and fast worker timings. */
export async function startHarness(
  overrides: Partial<PaymentsConfig> = {},
  sandboxConfig: Parameters<typeof startTestSandbox>[0] = {}
): Promise<Harness> {
  const dir = mkdtempSync(join(tmpdir(), 'voces-payments-'))
  const sandbox = await startTestSandbox(sandboxConfig)
  const database = await createTestDatabase()
  const webhooks = await startWebhookReceiver()
  const seller = await createSellerWallet(sandbox, dir, unique('market'))
  const token = randomBytes(24).toString('base64url')
  const logger = createLogger({ level: process.env.TEST_LOG_LEVEL ?? 'silent', name: 'payments' })
  const services: PaymentsApp[] = []
  const clock = createTestClock()

  async function startService(extra: Partial<PaymentsConfig> = {}) {
    const config = defaultConfig({
      apiToken: token,
      host: '127.0.0.1',
      port: 0,
      useHttp: true,
      sellerKeysDir: dir,
      seller: { id: 'marketplace', walletAddressUrl: seller.url, keyId: seller.keyId, privateKeyPath: seller.privateKeyPath },
      webhook: { url: webhooks.url, secret: `whsec_${randomBytes(24).toString('base64')}` },
      walletRequestTimeoutMs: 2000,
      maxContinueWaitMs: 3000,
      ...overrides,
      ...extra,
      worker: { pollMs: 50, leaseMs: 5000, baseBackoffMs: 50, maxBackoffMs: 400, maxAttempts: 6, ...overrides.worker, ...extra.worker }
    })
    const service = await buildPaymentsApp({ config, database, logger, clock })
    await service.listen()
    const { port } = service.app.server.address() as AddressInfo
    const baseUrl = `http://127.0.0.1:${port}`
    // The finish URL is read at each start, so the port chosen by the OS can be filled in now.
    config.publicBaseUrl = baseUrl
    services.push(service)
    return { service, baseUrl, config }
  }

  const first = await startService()
  const secret = first.config.webhook!.secret
  return {
    sandbox,
    database,
    config: first.config,
    clock,
    service: first.service,
    baseUrl: first.baseUrl,
    token,
    dir,
    seller,
    webhooks,
    async buyer(assetCode = 'USD', funds = 1_000_00n) {
      const name = unique('buyer')
      const wallet = await sandbox.admin.createWalletAddress({ name, publicName: `Buyer ${name}`, assetCode })
      if (funds > 0n) await sandbox.admin.deposit(name, funds)
      return { name, url: wallet.url }
    },
    async api(method, path, body, auth) {
      const response = await fetch(`${first.baseUrl}${path}`, {
        method,
        headers: {
          ...(auth === null ? {} : { authorization: `Bearer ${auth ?? token}` }),
          ...(body === undefined ? {} : { 'content-type': 'application/json' })
        },
        body: body === undefined ? undefined : JSON.stringify(body)
      })
      const text = await response.text()
      return { status: response.status, json: text ? JSON.parse(text) : {} }
    },
    startService: (extra) => startService({ ...extra, webhook: { url: webhooks.url, secret } }),
    async close() {
      for (const s of services) await s.stop().catch(() => {})
      await webhooks.close()
      await sandbox.close()
      await database.close()
      rmSync(dir, { recursive: true, force: true })
    }
  }
}

/** Follows the finish redirect the way a browser would, without following on to the return URL. */
export async function visit(url: string): Promise<{ status: number; location: string | null; body: string }> {
  const response = await fetch(url, { redirect: 'manual' })
  return { status: response.status, location: response.headers.get('location'), body: await response.text() }
}

/**
 * Polls `probe` until `done` holds; the error names the last value seen. Hand-written rather than
 * vi.waitFor because the benchmark (outside vitest) starts the same harness.
 */
export async function waitFor<T>(probe: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await probe()
    if (done(value)) return value
    if (Date.now() > deadline) throw new Error(`timed out waiting; last value: ${JSON.stringify(value)}`)
    await new Promise((r) => setTimeout(r, 50))
  }
}

/** How many outgoing payments the sandbox holds for a wallet (all clients). */
export async function outgoingPaymentsOf(h: Harness, walletName: string) {
  const deps = h.sandbox.sandbox.deps
  const wallet = await deps.walletAddresses.getByName(walletName)
  if (!wallet) throw new Error(`no wallet ${walletName}`)
  return (await deps.outgoingPayments.list(wallet, null, { first: 100 })).rows
}

export function startBody(buyerUrl: string, extra: Record<string, unknown> = {}) {
  return { sellerId: 'marketplace', buyerWalletAddressUrl: buyerUrl, amount: '10.00', returnUrl: RETURN_URL, ...extra }
}

export async function settled(h: Harness, pendingId: string, timeoutMs = 20_000) {
  const final = ['completed', 'failed', 'rejected', 'expired']
  return (await waitFor(() => h.api('GET', `/payments/${pendingId}/status`), (r) => final.includes(r.json.status), timeoutMs)).json
}
