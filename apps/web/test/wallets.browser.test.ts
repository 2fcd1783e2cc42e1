/**
 * Wallets for everyone, in Chromium at 390 px in Spanish, against the real payments service and
 * sandbox wallet: a new person registers, a refused address stays in the field with its real cause,
 * one tap makes a funded test wallet of play money, and a job is funded from it through the sandbox
 * consent page, which speaks Spanish and names who is paid.
 */
import { afterAll, beforeAll, expect, test } from 'vitest'
import { mkdirSync } from 'node:fs'
import { eq } from 'drizzle-orm'
import type { Browser, Page } from 'playwright-core'
import { AxeBuilder } from '@axe-core/playwright'
import { launchChromium } from '@voces/platform/browser'
import { Agent, jobFields } from './helpers.ts'
import { formatMinorUnits } from '@voces/platform'
import { sandboxFee, usd, startFullStack, type FullStack } from './full-stack.ts'
import { jobs } from '../src/jobs/model.ts'
import { users } from '../src/domain/user.ts'

const escrowGets = 20_00n + sandboxFee(20_00n)

const SHOTS = 'artifacts/web'
let stack: FullStack
let browser: Browser

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true })
  stack = await startFullStack({ scheduler: true, testWallets: true })
  browser = await launchChromium()
}, 180_000)
afterAll(async () => {
  await browser?.close()
  await stack?.close()
})

async function axe(page: Page): Promise<void> {
  const result = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze()
  expect(result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([])
}

/** Nothing wider than the phone. */
async function fitsPhone(page: Page): Promise<void> {
  expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390)
}

test('a new person registers, keeps a refused address with its cause, creates a test wallet in one tap and funds a job in Spanish', async () => {
  const { base, h, database } = stack
  const context = await browser.newContext({ locale: 'es-MX', viewport: { width: 390, height: 844 } })
  const page = await context.newPage()
  page.setDefaultTimeout(20_000)

  await page.goto(`${base}/register`)
  await page.locator('input[name="username"]').fill('ana_nueva')
  await page.locator('input[name="displayName"]').fill('Ana Nueva')
  await page.locator('input[name="password"]').fill('secret123')
  await page.locator('input[name="role"][value="funder"]').check()
  await page.locator('form[action="/register"] button[type="submit"]').click()
  await page.waitForURL(/\/profile/)

  // A refused address: the typed text stays, with the real cause (here, the service's guard).
  await page.locator('#f-walletAddress').fill('$localhost/nadie')
  await page.locator('form[action="/profile"] button[type="submit"][data-audio-slug="profile.save"]').click()
  await page.locator('#f-walletAddress-error').waitFor()
  expect(await page.inputValue('#f-walletAddress')).toBe('$localhost/nadie')
  expect(await page.textContent('#f-walletAddress-error')).toContain('apunta a una red privada o local')
  expect(await page.textContent('main')).not.toContain('El servicio de pagos no responde')
  await axe(page)
  await fitsPhone(page)
  await page.screenshot({ path: `${SHOTS}/wallets-01-refused-address.png`, fullPage: true })

  // One tap: a funded test wallet, said to be play money (words and a speaker).
  await page.getByRole('button', { name: 'Crear una billetera de prueba', exact: true }).click()
  await page.waitForURL(/ok=test_wallet_created/)
  expect(await page.textContent('main')).toContain('Su billetera de prueba está lista. Tiene dinero de juguete, no dinero real.')
  const balance = page.locator('[data-audio-slug="test_wallet.balance"]')
  expect(await balance.textContent()).toBe('Su billetera de prueba tiene $1,000.00 USD de dinero de juguete. No es dinero real.')
  expect(await page.locator('button[data-speak="test_wallet.balance"]').count()).toBe(1)
  const [ana] = await database.db.select().from(users).where(eq(users.username, 'ana_nueva'))
  expect(await page.inputValue('#f-walletAddress')).toBe(ana!.walletAddress)
  await axe(page)
  await fitsPhone(page)
  await page.screenshot({ path: `${SHOTS}/wallets-02-test-wallet.png`, fullPage: true })

  // A job to fund (made over HTTP: the job form has its own browser tests).
  const agent = new Agent(base)
  await agent.get('/login')
  await agent.post('/login', { username: 'ana_nueva', password: 'secret123' })
  await agent.postMultipart('/jobs', jobFields({ title: 'Cuento en otomí', amount: '20.00', maxResponses: '1' }))
  const [job] = await database.db.select().from(jobs).where(eq(jobs.title, 'Cuento en otomí'))

  await page.goto(`${base}/jobs/${job!.id}`)
  await page.getByRole('button', { name: 'Pedir cotización', exact: true }).click()
  await page.waitForURL(/funding=/)
  await page.getByRole('link', { name: 'Aprobar en mi billetera', exact: true }).click()
  await page.waitForURL((u) => u.toString().startsWith(h.sandbox.baseUrl))

  // The sandbox consent page, in Spanish from the browser's language: who is paid, by name, and how much.
  expect(await page.getAttribute('html', 'lang')).toBe('es')
  expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Aprobar un pago desde su billetera')
  expect(await page.textContent('[data-receiver]')).toBe(`Seller ${h.seller.name}`)
  // Escrow receives the job's 20.00 and the reserve for its one payout's fee (the sandbox's 0.50 + 1 %).
  // (The sandbox is a wallet of its own, not the marketplace: it writes amounts its own way.)
  expect(await page.textContent('[data-receives]')).toBe(`${formatMinorUnits(escrowGets, 2)} USD`)
  expect(await page.textContent('main')).not.toContain('/incoming-payments/')
  await axe(page)
  await fitsPhone(page)
  await page.screenshot({ path: `${SHOTS}/wallets-03-consent-es.png`, fullPage: true })
  await page.getByRole('button', { name: 'Aprobar', exact: true }).click()
  await page.waitForURL((u) => u.toString().startsWith(`${base}/jobs/${job!.id}`))
  await page.getByText('Pago recibido').first().waitFor()
  await page.locator('[data-ledger="funded"]', { hasText: usd(escrowGets) }).waitFor()
  await axe(page)
  await page.screenshot({ path: `${SHOTS}/wallets-04-funded.png`, fullPage: true })

  // The play money left the test wallet: what escrow received plus the sandbox's fee on it.
  const name = new URL(ana!.walletAddress!).pathname.slice(1)
  expect(await h.sandbox.admin.balance(name)).toBe(1000_00n - escrowGets - sandboxFee(escrowGets))
  await context.close()
}, 120_000)
