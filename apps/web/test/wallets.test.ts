import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { eq } from 'drizzle-orm'
import { createLogger, type Database } from '@voces/platform'
import { startHarness, type Harness } from '../../../services/payments/test/harness.ts'
import { buildWebApp, type WebApp } from '../src/app.ts'
import { testWebConfig } from '../src/config.ts'
import { createHttpPaymentsClient } from '../src/payments-client/http.ts'
import { users } from '../src/domain/user.ts'
import { Agent, startTestWeb, type TestWeb } from './helpers.ts'

/** The profile's wallet field as the page shows it. */
const walletField = (html: string) => /<input id="f-walletAddress" name="walletAddress"[^>]*value="([^"]*)"/.exec(html)?.[1]

describe('against the real payments service and sandbox wallet', () => {
  let h: Harness
  let database: Database
  let web: WebApp
  let base: string
  beforeAll(async () => {
    h = await startHarness()
    // One embedded database is heavy: the web app uses the payments service's (its own schema), as npm start does.
    database = h.database
    const config = testWebConfig({
      asset: { code: 'USD', scale: 2 },
      testWallets: { sandboxUrl: h.sandbox.baseUrl, adminToken: h.sandbox.adminToken }
    })
    web = await buildWebApp({
      config,
      database,
      logger: createLogger({ level: 'silent' }),
      paymentsClient: createHttpPaymentsClient({ baseUrl: h.baseUrl, apiToken: h.token, sellerId: 'marketplace' })
    })
    base = await web.start()
  }, 180_000)
  afterAll(async () => {
    await web?.stop()
    await h?.close()
  })

  test('a refused address stays in the field with its real cause; nothing is saved', async () => {
    const a = new Agent(base)
    await a.register('rosa', 'both')
    const cases: Array<[string, string]> = [
      [`${h.sandbox.baseUrl}/nobody_here`, 'No hay ninguna billetera en esa dirección'],
      ['rosa at my bank', 'Eso no es una dirección de billetera'],
      [`${h.sandbox.baseUrl}/admin/wallet-addresses`, 'no es una billetera Open Payments'],
      ['https://10.0.0.8/alice', 'apunta a una red privada o local'],
      ['$localhost/alice', 'apunta a una red privada o local']
    ]
    for (const [typed, cause] of cases) {
      const res = await a.postMultipart('/profile', { displayName: 'Rosa', walletAddress: typed, roles: 'creator', preferredLanguage: 'es' })
      expect(res.status, typed).toBe(422)
      expect(res.html, typed).toContain(cause)
      expect(walletField(res.html), typed).toBe(typed.replaceAll('&', '&amp;'))
      expect(res.html).not.toContain('El servicio de pagos no responde')
    }
    // A wallet whose server fails is the wallet's problem, never "the payments service".
    const down = await h.buyer('USD', 0n)
    await h.sandbox.admin.setFaults({ errorRate: 1, paths: [new URL(down.url).pathname] })
    try {
      const res = await a.postMultipart('/profile', { displayName: 'Rosa', walletAddress: down.url, roles: 'creator', preferredLanguage: 'es' })
      expect(res.status).toBe(422)
      expect(res.html).toContain('Su billetera en esa dirección no responde ahora')
      expect(res.html).not.toContain('El servicio de pagos no responde')
      expect(walletField(res.html)).toBe(down.url)
    } finally {
      await h.sandbox.admin.setFaults({})
    }
    const [row] = await database.db.select().from(users).where(eq(users.username, 'rosa'))
    expect(row!.walletAddress).toBeNull()
  })

  test('Create a test wallet: one tap makes one funded wallet of play money, shown with its balance', async () => {
    const a = new Agent(base)
    await a.register('pedro', 'both')
    const profile = await a.get('/profile')
    expect(profile.html).toContain('Crear una billetera de prueba')
    expect(profile.html).toContain('$1,000.00 USD de dinero de juguete')
    // Without the CSRF token nothing happens.
    expect((await a.post('/profile/test-wallet', { _csrf: '' })).status).toBe(403)
    // A double tap: two requests at once make one wallet and one deposit.
    const [first, second] = await Promise.all([a.post('/profile/test-wallet'), a.post('/profile/test-wallet')])
    expect([first.status, second.status]).toEqual([303, 303])
    expect(first.location).toBe('/profile?ok=test_wallet_created')
    const [row] = await database.db.select().from(users).where(eq(users.username, 'pedro'))
    const url = row!.walletAddress!
    expect(url.startsWith(`${h.sandbox.baseUrl}/pedro-`)).toBe(true)
    const name = new URL(url).pathname.slice(1)
    expect(await h.sandbox.admin.balance(name)).toBe(100_000n)
    // A later tap finds the same wallet and adds no money.
    expect((await a.post('/profile/test-wallet')).status).toBe(303)
    expect(await h.sandbox.admin.balance(name)).toBe(100_000n)

    const after = await a.get('/profile?ok=test_wallet_created')
    expect(after.html).toContain('Su billetera de prueba está lista. Tiene dinero de juguete, no dinero real.')
    expect(after.html).toContain('Su billetera de prueba tiene $1,000.00 USD de dinero de juguete. No es dinero real.')
    expect(after.html).not.toContain('Crear una billetera de prueba')
    expect(walletField(after.html)).toBe(url)
    // It is a real Open Payments wallet address: the payments service accepts it.
    const check = await h.api('GET', `/wallet-addresses/check?url=${encodeURIComponent(url)}`)
    expect(check.json.walletAddress).toMatchObject({ id: url, publicName: 'pedro', assetCode: 'USD', assetScale: 2 })
  })
})

describe('with the fake payments service', () => {
  let t: TestWeb
  beforeAll(async () => {
    t = await startTestWeb()
  })
  afterAll(() => t?.close())

  test('a payment pointer is accepted and kept, and shown, as its URL', async () => {
    const a = new Agent(t.baseUrl)
    await a.register('lucia', 'creator')
    t.payments.wallets.add('https://ilp.interledger-test.dev/lucia')
    const res = await a.postMultipart('/profile', { displayName: 'Lucía', walletAddress: '$ilp.interledger-test.dev/lucia', roles: 'creator', preferredLanguage: 'es' })
    expect(res.status).toBe(303)
    const [row] = await t.database.db.select().from(users).where(eq(users.username, 'lucia'))
    expect(row!.walletAddress).toBe('https://ilp.interledger-test.dev/lucia')
    expect(walletField((await a.get('/profile')).html)).toBe('https://ilp.interledger-test.dev/lucia')
  })

  test('only a payments service that does not answer is blamed on the payments service', async () => {
    const a = new Agent(t.baseUrl)
    await a.register('tomas', 'creator')
    t.payments.unreachable = true
    try {
      const res = await a.postMultipart('/profile', { displayName: 'Tomás', walletAddress: '$wallet.test/tomas', roles: 'creator', preferredLanguage: 'es' })
      expect(res.status).toBe(422)
      expect(res.html).toContain('El servicio de pagos no responde')
      expect(walletField(res.html)).toBe('$wallet.test/tomas')
    } finally {
      t.payments.unreachable = false
    }
  })

  test('without the sandbox there is no test wallet: no button, and the route does not exist', async () => {
    const a = new Agent(t.baseUrl)
    await a.register('sara', 'both')
    expect((await a.get('/profile')).html).not.toContain('billetera de prueba')
    expect((await a.post('/profile/test-wallet')).status).toBe(404)
  })
})
