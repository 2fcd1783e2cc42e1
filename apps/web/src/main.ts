import { createLogger, openDatabase } from '@voces/platform'
import { loadWebConfig } from './config.ts'
import { buildWebApp } from './app.ts'
import { createHttpPaymentsClient } from './payments-client/http.ts'
import { seedDemoData } from './seed/seed.ts'

/** Runs the web app on its own (port 8000): `npm start -w @voces/web`. */
const config = loadWebConfig()
const logger = createLogger({ level: config.logLevel, name: 'web' })
const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir })
const paymentsClient = createHttpPaymentsClient({
  baseUrl: config.payments.url,
  apiToken: config.payments.apiToken,
  sellerId: config.payments.sellerId,
  logger
})
const web = await buildWebApp({ config, database, logger, paymentsClient })
if (config.seed) {
  const seeded = await seedDemoData({
    db: database.db,
    hashPassword: web.services.users.hashPassword,
    sandboxWalletUrl: config.sandboxWalletUrl,
    asset: config.asset
  })
  logger.info(seeded, 'demo data seeded')
}
const url = await web.start()
logger.info({ url }, 'web app listening')

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void web
      .stop()
      .then(() => database.close())
      .finally(() => process.exit(0))
  })
}
