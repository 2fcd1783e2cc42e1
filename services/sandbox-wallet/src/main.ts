import { join } from 'node:path'
import { createLogger, ensureSecretFile, openDatabase } from '@voces/platform'
import { loadSandboxConfig } from './config.ts'
import { buildSandboxApp } from './app.ts'
import { ensureClientKey, seedSandbox } from './seed.ts'

/** Starts the sandbox wallet alone, on its own database (DATABASE_URL) or embedded under DATA_DIR. */
export async function main(): Promise<void> {
  const config = loadSandboxConfig()
  config.adminToken ??= ensureSecretFile(join(config.dataDir, 'sandbox-admin-token'))
  const logger = createLogger({ level: config.logLevel, name: 'sandbox-wallet' })
  const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: join(config.dataDir, 'sandbox-wallet') })
  const sandbox = await buildSandboxApp({ config, database, logger })
  if (config.seed) await seedSandbox(sandbox.deps, { marketplaceKey: ensureClientKey(config.marketplaceKeyPath), logger })
  sandbox.start()
  await sandbox.app.listen({ host: config.host, port: config.port })
  const shutdown = async () => {
    await sandbox.stop()
    await database.close()
    process.exit(0)
  }
  process.once('SIGINT', shutdown)
  process.once('SIGTERM', shutdown)
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error)
    process.exit(1)
  })
}
