/**
 * The payment story in Chromium against the real payments service and sandbox wallet: fund a job through
 * the sandbox consent page and watch the status arrive; the denial path; a cancellation with refund.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { mkdirSync } from 'node:fs'
import { eq } from 'drizzle-orm'
import type { Browser, Page } from 'playwright-core'
import { AxeBuilder } from '@axe-core/playwright'
import type { Database } from '@voces/platform'
import { waitFor, type Harness } from '../../../services/payments/test/harness.ts'
import { Agent, SAMPLE, jobFields } from './helpers.ts'
import { startFullStack, type FullStack } from './full-stack.ts'
import { launchChromium } from '@voces/platform/browser'
import { jobs } from '../src/jobs/model.ts'
import { payouts } from '../src/payouts/model.ts'

const SHOTS = 'artifacts/web'
let h: Harness
let database: Database
let base: string
let browser: Browser

let stack: FullStack

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true })
  stack = await startFullStack({ scheduler: true, connectEscrow: true })
  ;({ h, database, base } = stack)
  browser = await launchChromium()
}, 60_000)
afterAll(async () => {
  await browser?.close()
  await stack?.close()
})

async function axe(page: Page): Promise<void> {
  const result = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze()
  expect(result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([])
}

async function login(page: Page, username: string): Promise<void> {
  await page.goto(`${base}/login`)
  await page.getByLabel('Nombre de usuario', { exact: true }).fill(username)
  await page.getByLabel('Contraseña', { exact: true }).fill('secret123')
  await page.getByRole('button', { name: 'Entrar', exact: true }).click()
  await page.waitForURL(/\/dashboard/)
}

describe('paying for a job in the browser', () => {
  test('approve in the sandbox wallet, see the status live; a creator is paid on accept; deny; cancel with refund', async () => {
    const wallet = await h.buyer('USD', 200_00n)
    const owner = new Agent(base)
    await owner.register('browser_funder', 'funder')
    await owner.postMultipart('/profile', { displayName: 'Funder', walletAddress: wallet.url, roles: 'funder', preferredLanguage: 'es' })
    await owner.postMultipart('/jobs', jobFields({ title: 'Pagar en el navegador', amount: '15.00', maxResponses: '2' }))
    await owner.postMultipart('/jobs', jobFields({ title: 'Pago rechazado', amount: '5.00', maxResponses: '1' }))
    const [paid] = await database.db.select().from(jobs).where(eq(jobs.title, 'Pagar en el navegador'))
    const [denied] = await database.db.select().from(jobs).where(eq(jobs.title, 'Pago rechazado'))

    const context = await browser.newContext({ viewport: { width: 390, height: 844 } })
    const page = await context.newPage()
    page.setDefaultTimeout(15_000)
    await login(page, 'browser_funder')

    // Approve: quote → sandbox consent page → back on the job page with the status.
    await page.goto(`${base}/jobs/${paid!.id}`)
    await page.getByRole('button', { name: 'Pedir cotización', exact: true }).click()
    await page.waitForURL(/funding=/)
    expect(await page.textContent('#funding')).toContain('30.00 USD')
    expect(await page.textContent('#funding')).toContain('Esperando su aprobación')
    await axe(page)
    await page.screenshot({ path: `${SHOTS}/pay-01-quote.png`, fullPage: true })
    await page.getByRole('link', { name: 'Aprobar en mi billetera', exact: true }).click()
    await page.waitForURL((u) => u.toString().startsWith(h.sandbox.baseUrl))
    await page.screenshot({ path: `${SHOTS}/pay-02-consent.png`, fullPage: true })
    await page.locator('button.approve').click()
    await page.waitForURL((u) => u.toString().startsWith(`${base}/jobs/${paid!.id}`))
    // The page polls and reloads itself when the money has arrived.
    await page.getByText('Pago recibido').first().waitFor()
    await page.locator('[data-ledger="funded"]', { hasText: '30.00 USD' }).waitFor()
    await axe(page)
    await page.screenshot({ path: `${SHOTS}/pay-03-funded.png`, fullPage: true })

    // A creator applies, is selected, uploads audio and is paid from escrow when accepted.
    const creatorWallet = await h.buyer('USD', 0n)
    const creatorContext = await browser.newContext({ viewport: { width: 390, height: 844 } })
    const cpage = await creatorContext.newPage()
    cpage.setDefaultTimeout(15_000)
    await cpage.goto(`${base}/register`)
    await cpage.getByLabel('Nombre de usuario', { exact: true }).fill('browser_creator')
    await cpage.getByLabel('Contraseña', { exact: true }).fill('secret123')
    await cpage.getByRole('radio', { name: /Creador/ }).check()
    await cpage.getByRole('button', { name: 'Crear mi cuenta', exact: true }).click()
    await cpage.waitForURL(/\/profile/)
    await cpage.getByLabel('Dirección de billetera (Open Payments)', { exact: true }).fill(creatorWallet.url)
    await cpage.getByRole('button', { name: 'Guardar', exact: true }).click()
    await cpage.waitForURL(/ok=saved/)
    await cpage.goto(`${base}/jobs/${paid!.id}`)
    await cpage.getByLabel('Mensaje', { exact: true }).fill('Puedo grabarlo hoy.')
    await cpage.getByRole('button', { name: 'Enviar solicitud', exact: true }).click()
    await cpage.waitForURL(/ok=applied/)

    await page.goto(`${base}/jobs/${paid!.id}`)
    await page.getByRole('button', { name: 'Elegir', exact: true }).click()
    await page.waitForURL(/ok=selected/)
    await page.getByRole('button', { name: 'Iniciar el trabajo', exact: true }).click()
    await page.waitForURL(/ok=started/)

    await cpage.goto(`${base}/jobs/${paid!.id}`)
    await axe(cpage)
    await cpage.locator('input[name=audio]').setInputFiles({ name: 'grabacion.mp3', mimeType: 'audio/mpeg', buffer: SAMPLE.mp3 })
    await cpage.getByRole('button', { name: 'Entregar', exact: true }).click()
    await cpage.waitForURL(/ok=submitted/)
    await cpage.screenshot({ path: `${SHOTS}/pay-04-submitted.png`, fullPage: true })

    await page.goto(`${base}/jobs/${paid!.id}`)
    await page.getByRole('button', { name: 'Aceptar y pagar', exact: true }).click()
    await page.waitForURL(/ok=accepted/)
    await waitFor(async () => (await database.db.select().from(payouts).where(eq(payouts.jobId, paid!.id)))[0]?.state, (st) => st === 'completed', 20_000)
    expect(await h.sandbox.admin.balance(creatorWallet.name)).toBeGreaterThan(0n)
    await cpage.goto(`${base}/jobs/${paid!.id}`)
    expect(await cpage.getAttribute('[data-payout-state]', 'data-payout-state')).toBe('completed')
    await cpage.goto(`${base}/dashboard/money`)
    expect(await cpage.textContent('[data-money="earned"]')).toContain('15.00 USD')
    await axe(cpage)
    await cpage.screenshot({ path: `${SHOTS}/pay-05-creator-paid.png`, fullPage: true })
    await creatorContext.close()

    // Deny: the page shows the rejection; nothing counts as funded.
    await page.goto(`${base}/jobs/${denied!.id}`)
    await page.getByRole('button', { name: 'Pedir cotización', exact: true }).click()
    await page.waitForURL(/funding=/)
    await page.getByRole('link', { name: 'Aprobar en mi billetera', exact: true }).click()
    await page.waitForURL((u) => u.toString().startsWith(h.sandbox.baseUrl))
    await page.locator('button.deny').click()
    await page.waitForURL((u) => u.toString().startsWith(`${base}/jobs/${denied!.id}`))
    await page.getByText('Pago rechazado en la billetera').first().waitFor()
    expect(await page.textContent('[data-ledger="funded"]')).toContain('0.00 USD')
    await page.screenshot({ path: `${SHOTS}/pay-06-denied.png`, fullPage: true })

    // Cancel the funded job: escrow refunds the funder.
    const before = await h.sandbox.admin.balance(wallet.name)
    await page.goto(`${base}/jobs/${paid!.id}`)
    await page.getByRole('button', { name: 'Cancelar trabajo', exact: true }).click()
    await page.waitForURL(/ok=canceled/)
    await waitFor(
      async () => (await database.db.select().from(payouts).where(eq(payouts.jobId, paid!.id))).find((p) => p.kind === 'refund')?.state,
      (st) => st === 'completed',
      20_000
    )
    expect(await h.sandbox.admin.balance(wallet.name)).toBeGreaterThan(before)
    await page.reload()
    expect(await page.textContent('[data-ledger="paid_out"]')).toContain('15.00 USD')
    expect(await page.textContent('[data-ledger="refunded"]')).toContain('15.00 USD')
    expect(await page.textContent('[data-ledger="held"]')).toContain('0.00 USD')
    expect(await page.getAttribute('[data-ledger-balanced]', 'data-ledger-balanced')).toBe('true')
    await axe(page)
    await page.screenshot({ path: `${SHOTS}/pay-07-refunded.png`, fullPage: true })
    await context.close()
  }, 120_000)
})
