import { randomBytes } from 'node:crypto'
import { eq } from 'drizzle-orm'
import { createLogger, createTestDatabase, formatMinorUnits, type Clock, type Database } from '@voces/platform'
import { startHarness, visit, type Harness } from '../../../services/payments/test/harness.ts'
import { buildWebApp, type WebApp } from '../src/app.ts'
import { testWebConfig, type WebConfig } from '../src/config.ts'
import { createHttpPaymentsClient } from '../src/payments-client/http.ts'
import type { PaymentsClient } from '../src/payments-client/types.ts'
import { jobs, type Job } from '../src/jobs/model.ts'
import { Agent, jobFields } from './helpers.ts'

export interface FullStack {
  /** The payments service and sandbox wallet (services/payments/test/harness.ts). */
  h: Harness
  web: WebApp
  database: Database
  config: WebConfig
  /** The web app's base URL. */
  base: string
  close(): Promise<void>
}

/**
 * The web app wired to the real payments service and sandbox wallet over HTTP, with shared webhook
 * secret and return origin, as `npm start` wires them: for tests of the whole money path.
 */
export async function startFullStack(options: { scheduler?: boolean; connectEscrow?: boolean; clock?: Clock; testWallets?: boolean } = {}): Promise<FullStack> {
  const secret = `whsec_${randomBytes(24).toString('base64')}`
  const config = testWebConfig({
    asset: { code: 'USD', scale: 2 },
    payments: { url: '', apiToken: '', sellerId: 'marketplace', webhookSecret: secret },
    ...(options.scheduler ? { schedulerEnabled: true, schedulerIntervalMs: 200 } : {}),
    // Filled in once the sandbox listens (the test-wallet client reads it at each call).
    ...(options.testWallets ? { testWallets: { sandboxUrl: '', adminToken: '' } } : {})
  })
  const database = await createTestDatabase()
  // The payments service needs our URL (webhooks, return origin) and we need its: wire the client late.
  const late: { client?: PaymentsClient } = {}
  const client = new Proxy({} as PaymentsClient, { get: (_t, key: keyof PaymentsClient) => late.client![key] })
  const web = await buildWebApp({ config, database, logger: createLogger({ level: 'silent' }), paymentsClient: client, ...(options.clock ? { clock: options.clock } : {}) })
  const base = await web.start()
  config.baseUrl = base
  const h = await startHarness({ webhook: { url: `${base}/webhooks/payments`, secret }, allowedReturnOrigins: [base] })
  if (config.testWallets) Object.assign(config.testWallets, { sandboxUrl: h.sandbox.baseUrl, adminToken: h.sandbox.adminToken })
  late.client = createHttpPaymentsClient({ baseUrl: h.baseUrl, apiToken: h.token, sellerId: 'marketplace' })
  if (options.connectEscrow) {
    // The operator connects the escrow wallet for payouts once.
    const grant = await h.api('POST', '/sellers/marketplace/payout-grant', { debitLimit: '500.00', returnUrl: `${base}/` })
    await visit(await h.sandbox.approveConsent(grant.json.redirectUrl))
  }
  return {
    h,
    web,
    database,
    config,
    base,
    // Teardown is bounded: a worker caught mid-call must not hold the suite past its hook timeout;
    // what is left is dropped with the test databases.
    async close() {
      await settle(web.stop())
      await settle(h.close())
      await settle(database.close())
    }
  }
}

const settle = (work: Promise<unknown>, ms = 15_000) =>
  Promise.race([work.catch(() => undefined), new Promise((resolve) => setTimeout(resolve, ms).unref())])

/**
 * The sandbox's default sending fee (Rafiki's fee model, packages/backend/src/fee/model.ts): 0.50 plus
 * 1 % of the principal, rounded up. A funding's principal is what escrow receives (the quote is for the
 * incoming payment's amount); a creator's payout's is her pay (fixed receive: escrow pays the fee on
 * top); a refund's is what leaves escrow (fixed send: the funder gets that less the fee).
 */
export const FEE_FIXED = 50n
export const FEE_BASIS_POINTS = 100n
export const sandboxFee = (principal: bigint): bigint => FEE_FIXED + (principal * FEE_BASIS_POINTS + 9_999n) / 10_000n

/** An amount of the stack's escrow asset as pages write it (es and en alike below 1,000): "$12.50 USD". */
export const usd = (minor: bigint): string => `$${formatMinorUnits(minor, 2)} USD`
/** The same inside a RegExp (its "$" escaped). */
export const usdRe = (minor: bigint): string => usd(minor).replace('$', '\\$')

/**
 * A funder registered through the forms, with a sandbox wallet holding `funds` (USD minor units) on her
 * profile, and one published job of `amount` for one person: where a payment test starts.
 */
export async function funderWithJob(stack: FullStack, o: { username: string; title: string; amount: string; funds?: bigint }) {
  const wallet = await stack.h.buyer('USD', o.funds ?? 100_00n)
  const owner = new Agent(stack.base)
  await owner.register(o.username, 'funder')
  await owner.postMultipart('/profile', { displayName: 'F', walletAddress: wallet.url, roles: 'funder', preferredLanguage: 'es' })
  await owner.postMultipart('/jobs', jobFields({ title: o.title, amount: o.amount, maxResponses: '1' }))
  const [job] = await stack.database.db.select().from(jobs).where(eq(jobs.title, o.title))
  return { owner, wallet, job: job as Job }
}
