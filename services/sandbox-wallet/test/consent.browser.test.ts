import { randomUUID } from 'node:crypto'
import { createServer, type Server } from 'node:http'
import { afterAll, beforeAll, expect, test } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import { AxeBuilder } from '@axe-core/playwright'
import type { PendingGrant } from '@interledger/open-payments'
import { launchChromium, screenshotPath } from '@voces/platform/browser'
import { startTestSandbox, type TestSandbox } from '../src/testing.ts'
import { createTestClient, finishHash, nonInteractiveToken, wallet } from './helpers.ts'

let sandbox: TestSandbox
let browser: Browser
let shopServer: Server
let shopUrl: string
const finishes: URL[] = []

beforeAll(async () => {
  sandbox = await startTestSandbox()
  browser = await launchChromium()
  // The client's finish page: records where the wallet sent the browser.
  shopServer = createServer((req, res) => {
    finishes.push(new URL(req.url!, shopUrl))
    res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>Shop</title><h1>Back at the shop</h1>')
  })
  await new Promise<void>((resolve) => shopServer.listen(0, '127.0.0.1', resolve))
  shopUrl = `http://127.0.0.1:${(shopServer.address() as { port: number }).port}`
})

afterAll(async () => {
  await browser?.close()
  shopServer?.close()
  await sandbox?.close()
})

test('a person approves a payment on the consent page in Chromium and is sent back with a valid hash', async () => {
  const shop = await createTestClient(sandbox, 'browser_shop')
  const buyerUrl = await wallet(sandbox, 'browser_buyer', 'USD', 10_000n)
  const sellerUrl = await wallet(sandbox, 'browser_seller', 'MXN')
  const [buyer, seller] = await Promise.all([shop.client.walletAddress.get({ url: buyerUrl }), shop.client.walletAddress.get({ url: sellerUrl })])
  const ip = await shop.client.incomingPayment.create(
    { url: seller.resourceServer, accessToken: (await nonInteractiveToken(shop, seller.authServer, 'incoming-payment')).value },
    { walletAddress: seller.id, incomingAmount: { value: '10000', assetCode: 'MXN', assetScale: 2 } }
  )
  const quote = await shop.client.quote.create(
    { url: buyer.resourceServer, accessToken: (await nonInteractiveToken(shop, buyer.authServer, 'quote')).value },
    { walletAddress: buyer.id, receiver: ip.id, method: 'ilp' }
  )
  const nonce = randomUUID()
  const grant = (await shop.client.grant.request(
    { url: buyer.authServer },
    {
      access_token: {
        access: [{ type: 'outgoing-payment', actions: ['create', 'read'], identifier: buyer.id, limits: { debitAmount: quote.debitAmount, receiver: ip.id } }]
      },
      interact: { start: ['redirect'], finish: { method: 'redirect', uri: `${shopUrl}/finish`, nonce } }
    }
  )) as PendingGrant

  // axe needs a page of a context of its own.
  const context = await browser.newContext()
  const page = await context.newPage()
  await page.goto(grant.interact.redirect)
  expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Approve a payment from your wallet')
  const text = await page.textContent('main')
  expect(text).toContain('Shop browser_shop')
  // 100.00 MXN at 20 MXN/USD is 5.00 USD, plus Rafiki's sending fee of 0.50 + 1 %: 5.55 USD.
  expect(text).toContain('5.55 USD')
  expect(text).toContain('browser_seller')
  expect(text).toContain('They receive100.00 MXN')
  // Who is paid, by name; never the incoming payment's URL.
  expect(await page.textContent('[data-receiver]')).toBe('browser_seller')
  expect(text).not.toContain('/incoming-payments/')
  await axe(page)
  await page.screenshot({ path: screenshotPath('sandbox-consent'), fullPage: true })

  await Promise.all([page.waitForURL(`${shopUrl}/finish**`), page.getByRole('button', { name: 'Approve' }).click()])
  const finish = finishes.find((url) => url.pathname === '/finish')!
  const interactRef = finish.searchParams.get('interact_ref')!
  expect(finish.searchParams.get('hash')).toBe(finishHash(nonce, grant.interact.finish, interactRef, buyer.authServer))
  await context.close()
})

async function axe(page: Page): Promise<void> {
  const result = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze()
  expect(result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([])
}

test('the consent page speaks Spanish to a Spanish browser, switches language by a link, and answers in that language', async () => {
  const shop = await createTestClient(sandbox, 'shop_es')
  const buyerUrl = await wallet(sandbox, 'comprador', 'MXN', 50_000n)
  await sandbox.admin.createWalletAddress({ name: 'maria_es', publicName: 'María Hernández', assetCode: 'MXN' })
  const [buyer, seller] = await Promise.all([
    shop.client.walletAddress.get({ url: buyerUrl }),
    shop.client.walletAddress.get({ url: `${sandbox.baseUrl}/maria_es` })
  ])
  const ip = await shop.client.incomingPayment.create(
    { url: seller.resourceServer, accessToken: (await nonInteractiveToken(shop, seller.authServer, 'incoming-payment')).value },
    { walletAddress: seller.id, incomingAmount: { value: '25000', assetCode: 'MXN', assetScale: 2 } }
  )
  const quote = await shop.client.quote.create(
    { url: buyer.resourceServer, accessToken: (await nonInteractiveToken(shop, buyer.authServer, 'quote')).value },
    { walletAddress: buyer.id, receiver: ip.id, method: 'ilp' }
  )
  const grant = (await shop.client.grant.request(
    { url: buyer.authServer },
    {
      access_token: {
        access: [{ type: 'outgoing-payment', actions: ['create', 'read'], identifier: buyer.id, limits: { debitAmount: quote.debitAmount, receiver: ip.id } }]
      },
      interact: { start: ['redirect'], finish: { method: 'redirect', uri: `${shopUrl}/finish-es`, nonce: randomUUID() } }
    }
  )) as PendingGrant

  const context = await browser.newContext({ locale: 'es-MX', viewport: { width: 390, height: 844 } })
  const page = await context.newPage()
  await page.goto(grant.interact.redirect)
  expect(await page.getAttribute('html', 'lang')).toBe('es')
  expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Aprobar un pago desde su billetera')
  const text = await page.textContent('main')
  expect(text).toContain('A quién se pagaMaría Hernández')
  expect(text).toContain('Recibe250.00 MXN')
  expect(text).toContain('dinero de juguete')
  expect(text).not.toContain('/incoming-payments/')
  await axe(page)
  await page.screenshot({ path: screenshotPath('sandbox-consent-es-390'), fullPage: true })

  // The switch is a plain link: English, then back to Spanish.
  await page.getByRole('link', { name: 'English' }).click()
  expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Approve a payment from your wallet')
  expect(await page.textContent('[data-receiver]')).toBe('María Hernández')
  await axe(page)
  await page.getByRole('link', { name: 'Español' }).click()
  await Promise.all([page.waitForURL(`${shopUrl}/finish-es**`), page.getByRole('button', { name: 'Aprobar' }).click()])
  expect(finishes.some((url) => url.pathname === '/finish-es' && url.searchParams.has('interact_ref'))).toBe(true)

  // The same request again: ended, said in Spanish.
  await page.goto(`${grant.interact.redirect}`)
  await context.close()
  const ended = await fetch(grant.interact.redirect.replace(/\/interact\/[^/]+\//, '/interact/00000000-0000-0000-0000-000000000000/'), {
    headers: { 'accept-language': 'es-MX,es;q=0.9,en;q=0.8' }
  })
  expect(await ended.text()).toContain('Esta solicitud de pago no existe.')
})
