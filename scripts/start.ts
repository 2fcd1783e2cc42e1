/**
 * `npm start`: every service in one process sharing one embedded database (PGlite is heavy, so one
 * instance with a schema per service), or on PostgreSQL when DATABASE_URL is set. Seeds the demo
 * data and sandbox wallets on first start; idempotent on every start after.
 */
import { join } from 'node:path'
import { createLogger, ensureSecretFile, openDatabase, type Logger } from '@voces/platform'
import { loadSandboxConfig } from '../services/sandbox-wallet/src/config.ts'
import { buildSandboxApp } from '../services/sandbox-wallet/src/app.ts'
import { ensureClientKey, seedSandbox } from '../services/sandbox-wallet/src/seed.ts'
import { answerConsent } from '../services/sandbox-wallet/src/consent/answer.ts'
import { buildPaymentsApp, ensureApiToken, loadPaymentsConfig, type PaymentsConfig } from '../services/payments/src/index.ts'
import { loadWebConfig, startWebService } from '../apps/web/src/index.ts'

async function main() {
  const sandboxConfig = loadSandboxConfig()
  const dataDir = sandboxConfig.dataDir
  sandboxConfig.adminToken ??= ensureSecretFile(join(dataDir, 'sandbox-admin-token'))
  const logger = createLogger({ level: sandboxConfig.logLevel })
  const database = await openDatabase({ databaseUrl: sandboxConfig.databaseUrl, dataDir: join(dataDir, 'db') })
  const stops: Array<() => Promise<void>> = []

  const sandbox = await buildSandboxApp({ config: sandboxConfig, database, logger: logger.child({ service: 'sandbox-wallet' }) })
  const marketplaceKey = ensureClientKey(sandboxConfig.marketplaceKeyPath)
  if (sandboxConfig.seed) await seedSandbox(sandbox.deps, { marketplaceKey, logger })
  sandbox.start()
  await sandbox.app.listen({ host: sandboxConfig.host, port: sandboxConfig.port })
  stops.push(() => sandbox.stop())

  // The web app and the payments service share the API token and the webhook secret (both from env,
  // or generated once into the data directory).
  const webEnv = loadWebConfig()

  // The payments service pays as the marketplace wallet: by default the sandbox's, whose key the
  // sandbox generated above. SELLER_* variables point it at a real wallet instead.
  const paymentsEnv = loadPaymentsConfig()
  const inSandbox = !paymentsEnv.seller
  const paymentsConfig: PaymentsConfig = {
    ...paymentsEnv,
    apiToken: ensureApiToken(dataDir, paymentsEnv.apiToken),
    seller: paymentsEnv.seller ?? {
      id: 'marketplace',
      walletAddressUrl: `${sandboxConfig.baseUrl}/marketplace`,
      keyId: marketplaceKey.keyId,
      privateKeyPath: sandboxConfig.marketplaceKeyPath
    },
    useHttp: inSandbox ? true : paymentsEnv.useHttp,
    allowedReturnOrigins: [...new Set([...paymentsEnv.allowedReturnOrigins, new URL(webEnv.baseUrl).origin])],
    webhook: paymentsEnv.webhook ?? { url: `${webEnv.baseUrl}/webhooks/payments`, secret: webEnv.payments.webhookSecret }
  }
  const payments = await buildPaymentsApp({ config: paymentsConfig, database, logger: logger.child({ service: 'payments' }) })
  await payments.listen()
  stops.push(() => payments.stop())

  const { web, url: webUrl } = await startWebService({
    database,
    logger: logger.child({ service: 'web' }),
    overrides: {
      payments: {
        url: paymentsConfig.publicBaseUrl,
        apiToken: paymentsConfig.apiToken,
        sellerId: paymentsConfig.seller!.id,
        webhookSecret: paymentsConfig.webhook!.secret
      },
      sandboxWalletUrl: sandboxConfig.baseUrl,
      // Against the sandbox, people may make a funded test wallet of play money in one tap.
      ...(inSandbox ? { testWallets: { sandboxUrl: sandboxConfig.baseUrl, adminToken: sandboxConfig.adminToken } } : {})
    }
  })
  stops.push(() => web.stop())

  if (inSandbox) await connectSandboxEscrow(paymentsConfig, logger)

  logger.info(
    {
      web: webEnv.baseUrl,
      listening: webUrl,
      payments: paymentsConfig.publicBaseUrl,
      sandboxWallet: sandboxConfig.baseUrl,
      database: database.kind === 'embedded' ? join(dataDir, 'db') : 'postgres (DATABASE_URL)'
    },
    'Voces Market is up: open the web address and log in as demo_funder / demo123'
  )

  const shutdown = async () => {
    for (const stop of stops.reverse()) await stop().catch((error: unknown) => logger.error({ err: error }, 'stop failed'))
    await database.close()
    process.exit(0)
  }
  process.once('SIGINT', shutdown)
  process.once('SIGTERM', shutdown)
  // The last line, in plain words, for whoever just typed npm start.
  console.log(
    `Voces Market is ready: open ${webEnv.baseUrl} in your browser and log in as demo_funder with the password demo123` +
      (inSandbox ? ', or register and tap "Create a test wallet" on your profile.' : '.')
  )
}

/**
 * Payouts to creators come from escrow under a standing grant the operator approves once. With the
 * sandbox wallet the operator is this machine, so the demo approves it at first start, exactly as a
 * person would on the consent page; with a real wallet the operator does it from the admin area.
 */
async function connectSandboxEscrow(config: PaymentsConfig, logger: Logger) {
  const api = (path: string, init: RequestInit = {}) =>
    fetch(`${config.publicBaseUrl}${path}`, {
      ...init,
      headers: { authorization: `Bearer ${config.apiToken}`, 'content-type': 'application/json', ...init.headers }
    })
  try {
    const { sellers } = (await (await api('/sellers')).json()) as { sellers: Array<{ id: string; payoutGrant: string }> }
    if (sellers.find((s) => s.id === config.seller!.id)?.payoutGrant === 'active') return
    const started = await api(`/sellers/${config.seller!.id}/payout-grant`, { method: 'POST', body: JSON.stringify({ debitLimit: '1000000.00' }) })
    const { redirectUrl } = (await started.json()) as { redirectUrl: string }
    const finish = await answerConsent(redirectUrl, 'approve')
    await fetch(finish, { redirect: 'manual' })
    logger.info('sandbox escrow wallet connected for payouts (up to 1,000,000.00 MXN)')
  } catch (error) {
    logger.warn({ err: error }, 'could not connect the sandbox escrow wallet; payouts wait until an operator connects it')
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error)
  process.exit(1)
})
