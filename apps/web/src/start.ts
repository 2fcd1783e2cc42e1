import type { Database, Logger } from '@voces/platform'
import { buildWebApp, type WebApp } from './app.ts'
import { loadWebConfig, type WebConfig } from './config.ts'
import { createHttpPaymentsClient } from './payments-client/http.ts'
import { seedDemoData } from './seed/seed.ts'

/**
 * Everything scripts/start.ts needs for the web app in one call: configuration from the environment
 * (with overrides, e.g. the payments token and webhook secret the start script generated), the HTTP
 * payments client, migrations, the idempotent demo seed, and listening on WEB_PORT (8000).
 */
export async function startWebService(options: {
  database: Database
  logger: Logger
  overrides?: Partial<Omit<WebConfig, 'payments'>> & { payments?: Partial<WebConfig['payments']> }
  seed?: boolean
  env?: NodeJS.ProcessEnv
}): Promise<{ web: WebApp; config: WebConfig; url: string }> {
  const base = loadWebConfig(options.env ?? process.env)
  const { payments, ...rest } = options.overrides ?? {}
  const config: WebConfig = { ...base, ...rest, payments: { ...base.payments, ...payments } }
  const paymentsClient = createHttpPaymentsClient({
    baseUrl: config.payments.url,
    apiToken: config.payments.apiToken,
    sellerId: config.payments.sellerId,
    logger: options.logger
  })
  const web = await buildWebApp({ config, database: options.database, logger: options.logger, paymentsClient })
  if (options.seed ?? true) {
    const seeded = await seedDemoData({
      db: options.database.db,
      hashPassword: web.services.users.hashPassword,
      sandboxWalletUrl: config.sandboxWalletUrl,
      asset: config.asset
    })
    if (seeded.usersCreated || seeded.jobsCreated) options.logger.info(seeded, 'web demo data seeded')
  }
  const url = await web.start()
  return { web, config, url }
}
