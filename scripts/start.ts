/**
 * `npm start`: every service in one process sharing one embedded database (PGlite is heavy, so one
 * instance with a schema per service), or each on PostgreSQL when DATABASE_URL is set. Seeds demo
 * data and sandbox wallets on first start; idempotent on every start after.
 */
import { join } from 'node:path'
import { createLogger, ensureSecretFile, openDatabase, type Database } from '@voces/platform'
import { loadSandboxConfig } from '../services/sandbox-wallet/src/config.ts'
import { buildSandboxApp } from '../services/sandbox-wallet/src/app.ts'
import { ensureClientKey, seedSandbox } from '../services/sandbox-wallet/src/seed.ts'
import { buildPaymentsApp, ensureApiToken, loadPaymentsConfig, type PaymentsConfig } from '../services/payments/src/index.ts'

async function main() {
  const sandboxConfig = loadSandboxConfig()
  const dataDir = sandboxConfig.dataDir
  sandboxConfig.adminToken ??= ensureSecretFile(join(dataDir, 'sandbox-admin-token'))
  const logger = createLogger({ level: sandboxConfig.logLevel })
  const database: Database = await openDatabase({ databaseUrl: sandboxConfig.databaseUrl, dataDir: join(dataDir, 'db') })
  const stops: Array<() => Promise<void>> = []

  const sandbox = await buildSandboxApp({ config: sandboxConfig, database, logger: logger.child({ service: 'sandbox-wallet' }) })
  const marketplaceKey = ensureClientKey(sandboxConfig.marketplaceKeyPath)
  if (sandboxConfig.seed) await seedSandbox(sandbox.deps, { marketplaceKey, logger })
  sandbox.start()
  await sandbox.app.listen({ host: sandboxConfig.host, port: sandboxConfig.port })
  stops.push(() => sandbox.stop())

  // The payments service pays as the marketplace wallet; by default that is the sandbox's, whose key
  // the sandbox generated above. SELLER_* variables point it at a real wallet instead.
  const paymentsEnv = loadPaymentsConfig()
  const paymentsConfig: PaymentsConfig = {
    ...paymentsEnv,
    apiToken: ensureApiToken(dataDir, paymentsEnv.apiToken),
    seller: paymentsEnv.seller ?? {
      id: 'marketplace',
      walletAddressUrl: `${sandboxConfig.baseUrl}/marketplace`,
      keyId: marketplaceKey.keyId,
      privateKeyPath: sandboxConfig.marketplaceKeyPath
    },
    useHttp: paymentsEnv.seller ? paymentsEnv.useHttp : true
  }
  const payments = await buildPaymentsApp({ config: paymentsConfig, database, logger: logger.child({ service: 'payments' }) })
  await payments.listen()
  stops.push(() => payments.stop())

  logger.info(
    {
      sandboxWallet: sandboxConfig.baseUrl,
      payments: paymentsConfig.publicBaseUrl,
      database: database.kind === 'embedded' ? join(dataDir, 'db') : 'postgres (DATABASE_URL)'
    },
    'Voces Market is up'
  )

  const shutdown = async () => {
    for (const stop of stops.reverse()) await stop().catch((error: unknown) => logger.error({ err: error }, 'stop failed'))
    await database.close()
    process.exit(0)
  }
  process.once('SIGINT', shutdown)
  process.once('SIGTERM', shutdown)
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error)
  process.exit(1)
})
