/**
 * The payments service of `npm run bench:payments`, alone in its process (quotes-start.ts forks it after
 * the wallet), configured as in production but for the wallet it talks to: the bench's sandbox, over
 * plain http. Reads the wallet's setup from BENCH_WALLET (JSON); PostgreSQL when DATABASE_URL is set
 * (a fresh database on that server), else an in-memory PGlite.
 */
import { randomBytes } from 'node:crypto'
import { createLogger, createTestDatabase } from '@voces/platform'
import { buildPaymentsApp } from '../src/app.ts'
import { defaultConfig } from '../src/config.ts'
import { countQueries, serveControl } from './control.ts'
import type { WalletReady } from './wallet-server.ts'

export interface PaymentsReady {
  type: 'ready'
  paymentsUrl: string
  token: string
}

const wallet = JSON.parse(process.env.BENCH_WALLET ?? '') as WalletReady
const database = await createTestDatabase()
const queries = countQueries(database)
const token = randomBytes(24).toString('base64url')
const config = defaultConfig({
  apiToken: token,
  host: '127.0.0.1',
  port: 0,
  useHttp: true,
  sellerKeysDir: wallet.keysDir,
  seller: { id: 'marketplace', walletAddressUrl: wallet.seller.url, keyId: wallet.seller.keyId, privateKeyPath: wallet.seller.privateKeyPath },
  // The buyer's wallet is on the same local sandbox as the seller's.
  walletAllowedOrigins: [new URL(wallet.buyerUrl).origin],
  // The bench runs one process of each (quotes-start.ts): the grant after the quote, and beside it.
  paymentGrantLimit: process.env.BENCH_GRANT_LIMIT === 'receive' ? 'receive' : 'debit'
})
const service = await buildPaymentsApp({ config, database, logger: createLogger({ level: 'silent', name: 'payments' }) })
const paymentsUrl = await service.listen()
config.publicBaseUrl = paymentsUrl
serveControl(database, queries, async () => {
  await service.stop()
  await database.close()
})
process.send!({ type: 'ready', paymentsUrl, token } satisfies PaymentsReady)
