/**
 * `npm run smoke`: the seed's test-payment-flow.js, in TypeScript, against running services.
 * Health, sellers, a quote start returning every field, consent in the sandbox wallet, completion.
 * Any problem exits non-zero; there are no warnings that pass.
 *
 *   PAYMENTS_URL (http://localhost:4001)  PAYMENTS_API_TOKEN (or ./data/payments-api-token)
 *   SANDBOX_URL  (http://localhost:4100)  SANDBOX_ADMIN_TOKEN (or ./data/sandbox-admin-token)
 *   SELLER_ID    (marketplace)            SMOKE_RETURN_URL (http://localhost:8000/smoke)
 */
import { existsSync, readFileSync } from 'node:fs'
import { randomBytes } from 'node:crypto'

const paymentsUrl = (process.env.PAYMENTS_URL ?? 'http://localhost:4001').replace(/\/+$/, '')
const sandboxUrl = (process.env.SANDBOX_URL ?? 'http://localhost:4100').replace(/\/+$/, '')
const sellerId = process.env.SELLER_ID ?? 'marketplace'
const returnUrl = process.env.SMOKE_RETURN_URL ?? 'http://localhost:8000/smoke'
const dataDir = process.env.DATA_DIR ?? './data'

function secret(envName: string, file: string): string {
  const value = process.env[envName] ?? (existsSync(`${dataDir}/${file}`) ? readFileSync(`${dataDir}/${file}`, 'utf8').trim() : '')
  if (!value) fail(`${envName} is not set and ${dataDir}/${file} does not exist`)
  return value
}

function fail(message: string): never {
  console.error(`✗ ${message}`)
  process.exit(1)
}

function ok(message: string) {
  console.log(`✓ ${message}`)
}

async function call(base: string, token: string, method: string, path: string, body?: unknown) {
  let response: Response
  try {
    response = await fetch(`${base}${path}`, {
      method,
      redirect: 'manual',
      headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
      signal: AbortSignal.timeout(15_000)
    })
  } catch (error) {
    fail(`${method} ${base}${path}: ${error instanceof Error ? error.message : error} — is the service running (npm start)?`)
  }
  const text = await response.text()
  let json: Record<string, unknown> = {}
  try {
    json = text ? JSON.parse(text) : {}
  } catch {
    // not JSON: reported by the caller through the status
  }
  return { status: response.status, json, location: response.headers.get('location') }
}

async function main() {
  const apiToken = secret('PAYMENTS_API_TOKEN', 'payments-api-token')
  const adminToken = secret('SANDBOX_ADMIN_TOKEN', 'sandbox-admin-token')

  const health = await call(paymentsUrl, '', 'GET', '/health')
  if (health.status !== 200 || health.json.status !== 'ok') fail(`health: ${health.status} ${JSON.stringify(health.json)}`)
  ok(`payments service healthy at ${paymentsUrl}`)

  const unauthorised = await call(paymentsUrl, 'wrong-token', 'GET', '/sellers')
  if (unauthorised.status !== 401) fail(`GET /sellers with a wrong token answered ${unauthorised.status}, expected 401`)
  ok('unauthenticated calls are refused')

  const sellers = await call(paymentsUrl, apiToken, 'GET', '/sellers')
  const list = (sellers.json.sellers ?? []) as Array<{ id: string; walletAddressUrl: string; assetCode?: string }>
  const seller = list.find((s) => s.id === sellerId)
  if (sellers.status !== 200 || !seller) fail(`seller ${sellerId} not registered: ${sellers.status} ${JSON.stringify(sellers.json)}`)
  if (!seller.assetCode) fail(`the wallet of seller ${sellerId} (${seller.walletAddressUrl}) cannot be read`)
  ok(`seller ${sellerId} → ${seller.walletAddressUrl} (${seller.assetCode})`)

  const buyerName = `smoke-${randomBytes(4).toString('hex')}`
  const created = await call(sandboxUrl, adminToken, 'POST', '/admin/wallet-addresses', { name: buyerName, publicName: 'Smoke test buyer', assetCode: seller.assetCode })
  if (created.status !== 201) fail(`sandbox: creating buyer wallet: ${created.status} ${JSON.stringify(created.json)}`)
  const deposit = await call(sandboxUrl, adminToken, 'POST', `/admin/wallet-addresses/${buyerName}/deposits`, { value: '100000' })
  if (deposit.status >= 300) fail(`sandbox: deposit: ${deposit.status} ${JSON.stringify(deposit.json)}`)
  const buyerUrl = String(created.json.url)
  ok(`buyer wallet ${buyerUrl} funded`)

  const offerId = `smoke-${Date.now()}`
  const start = await call(paymentsUrl, apiToken, 'POST', `/offers/${offerId}/quotes/start`, { sellerId, buyerWalletAddressUrl: buyerUrl, amount: '12.50', returnUrl })
  if (start.status !== 201) fail(`quote start: ${start.status} ${JSON.stringify(start.json)}`)
  for (const field of ['success', 'redirectUrl', 'paymentUrl', 'pendingId', 'incomingPaymentId', 'quoteId', 'amount', 'assetCode', 'quote']) {
    if (start.json[field] === undefined || start.json[field] === null || start.json[field] === '') fail(`quote start response lacks ${field}: ${JSON.stringify(start.json)}`)
  }
  if (start.json.amount !== '12.50') fail(`quote start amount is ${start.json.amount}, expected 12.50`)
  const pendingId = String(start.json.pendingId)
  ok(`quote started: payment ${pendingId}, consent at ${start.json.redirectUrl}`)

  // What a person does on the consent page: open it, press "approve".
  const page = await fetch(String(start.json.redirectUrl))
  const html = await page.text()
  const action = /action="([^"]+\/approve)"/.exec(html)?.[1]
  if (page.status !== 200 || !action) fail(`consent page: ${page.status}, no approve form`)
  const approved = await fetch(new URL(action, String(start.json.redirectUrl)), { method: 'POST', redirect: 'manual' })
  const finishUrl = approved.headers.get('location')
  if (approved.status !== 303 || !finishUrl) fail(`consent approval answered ${approved.status}`)
  ok('consent given in the sandbox wallet')

  const finish = await fetch(finishUrl, { redirect: 'manual' })
  const back = finish.headers.get('location')
  if (finish.status !== 303 || !back || !back.startsWith(returnUrl)) fail(`finish answered ${finish.status} → ${back}`)
  if (new URL(back).searchParams.get('error')) fail(`finish reported ${back}`)
  ok(`browser sent back to ${back}`)

  const deadline = Date.now() + 30_000
  for (;;) {
    const status = await call(paymentsUrl, apiToken, 'GET', `/payments/${pendingId}/status`)
    if (status.status !== 200) fail(`status: ${status.status} ${JSON.stringify(status.json)}`)
    if (status.json.status === 'completed') break
    if (['failed', 'rejected', 'expired'].includes(String(status.json.status))) fail(`payment ended ${status.json.status}: ${JSON.stringify(status.json)}`)
    if (Date.now() > deadline) fail(`payment still ${status.json.status} after 30 s`)
    await new Promise((r) => setTimeout(r, 250))
  }
  ok('payment completed')

  const history = await call(paymentsUrl, apiToken, 'GET', `/offers/${offerId}/payments`)
  const payments = (history.json.payments ?? []) as Array<{ pendingId: string; status: string }>
  if (!payments.some((p) => p.pendingId === pendingId && p.status === 'completed')) fail(`history of ${offerId} lacks the payment`)
  ok('payment history lists it')
  console.log('smoke test passed')
}

main().catch((error: unknown) => fail(error instanceof Error ? error.stack ?? error.message : String(error)))
