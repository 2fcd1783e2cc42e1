/**
 * The sandbox wallet of `npm run bench:payments`, alone in its process (quotes-start.ts forks it), so that
 * its cost per start is measured apart from the payments service's and the load's. Creates the seller
 * (marketplace) wallet with a fresh key written to a PEM file, and a funded buyer wallet; PostgreSQL when
 * DATABASE_URL is set (a fresh database on that server), else an in-memory PGlite.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createTestDatabase } from '@voces/platform'
import { loadSandboxConfig } from '../../sandbox-wallet/src/config.ts'
import { startTestSandbox } from '../../sandbox-wallet/src/testing.ts'
import { createSellerWallet } from '../test/harness.ts'
import { countQueries, serveControl } from './control.ts'

export interface WalletReady {
  type: 'ready'
  kind: 'embedded' | 'postgres'
  sandboxUrl: string
  adminToken: string
  seller: { url: string; keyId: string; privateKeyPath: string }
  keysDir: string
  buyerUrl: string
}

const database = await createTestDatabase()
const queries = countQueries(database)
// The settlement worker at the sandbox's own pace (the tests' 50 ms tick would add a query every 25 ms).
const settlementDelayMs = loadSandboxConfig({}).settlementDelayMs
const sandbox = await startTestSandbox({ database, config: { settlementDelayMs } })
const dir = mkdtempSync(join(tmpdir(), 'voces-bench-pay-'))
const seller = await createSellerWallet(sandbox, dir, 'market')
const buyer = await sandbox.admin.createWalletAddress({ name: 'buyer', publicName: 'Buyer', assetCode: 'MXN' })
await sandbox.admin.deposit('buyer', 10_000_000_00n)
serveControl(database, queries, async () => {
  await sandbox.close()
  await database.close()
  rmSync(dir, { recursive: true, force: true })
})
process.send!({
  type: 'ready',
  kind: database.kind,
  sandboxUrl: sandbox.baseUrl,
  adminToken: sandbox.adminToken,
  seller: { url: seller.url, keyId: seller.keyId, privateKeyPath: seller.privateKeyPath },
  keysDir: dir,
  buyerUrl: buyer.url
} satisfies WalletReady)
