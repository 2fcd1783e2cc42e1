import { join } from 'node:path'
import { createLogger, openDatabase } from '@voces/platform'
import { buildPaymentsApp } from './app.ts'
import { ensureApiToken, loadPaymentsConfig, type PaymentsConfig } from './config.ts'

async function main() {
  const loaded = loadPaymentsConfig()
  const config: PaymentsConfig = { ...loaded, apiToken: ensureApiToken(loaded.dataDir, loaded.apiToken) }
  const logger = createLogger({ level: config.logLevel, name: 'payments' })
  const database = await openDatabase({ databaseUrl: loaded.databaseUrl, dataDir: join(loaded.dataDir, 'payments') })
  const service = await buildPaymentsApp({ config, database, logger })
  const address = await service.listen()
  logger.info({ address, publicBaseUrl: config.publicBaseUrl, seller: config.seller?.id ?? null }, 'payments service listening')
  const shutdown = async (signal: string) => {
    logger.info({ signal }, 'shutting down')
    await service.stop()
    await database.close()
    process.exit(0)
  }
  process.once('SIGINT', () => void shutdown('SIGINT'))
  process.once('SIGTERM', () => void shutdown('SIGTERM'))
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error)
    process.exit(1)
  })
}
