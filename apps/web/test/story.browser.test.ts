import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { mkdirSync } from 'node:fs'
import type { Browser, Page } from 'playwright-core'
import { launchChromium } from '@voces/platform/browser'
import { PHONE, expectAxeClean } from './browser.ts'
import { startTestWeb, type TestWeb } from './helpers.ts'

const SHOTS = 'artifacts/web'
let t: TestWeb
let browser: Browser

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true })
  t = await startTestWeb()
  browser = await launchChromium()
})
afterAll(async () => {
  await browser?.close()
  await t?.close()
})

/** Zero axe violations (WCAG 2.1 A/AA), and a screenshot kept as an artifact. */
async function check(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: `${SHOTS}/${name}.png`, fullPage: true })
  await expectAxeClean(page)
}

async function register(page: Page, username: string, role: 'funder' | 'creator'): Promise<void> {
  await page.goto(`${t.baseUrl}/register`)
  await page.getByLabel('Nombre de usuario', { exact: true }).fill(username)
  await page.getByLabel('Nombre para mostrar', { exact: true }).fill(username)
  await page.getByLabel('Contraseña', { exact: true }).fill('secret123')
  await page.getByRole('radio', { name: role === 'funder' ? /Financiador/ : /Creador/ }).check()
  await page.getByRole('button', { name: 'Crear mi cuenta', exact: true }).click()
  await page.waitForURL(/\/profile/)
}

describe('the story in a real browser', () => {
  test('register, log in, create and publish a job, apply to it', async () => {
    const context = await browser.newContext({ viewport: PHONE })
    const page = await context.newPage()
    page.setDefaultTimeout(10_000)
    await page.goto(t.baseUrl)
    await check(page, '01-home')

    await register(page, 'funder_story', 'funder')
    await check(page, '02-profile')
    await page.getByLabel('Dirección de billetera (Open Payments)', { exact: true }).fill('http://localhost:4100/funder_story')
    await page.getByRole('button', { name: 'Guardar', exact: true }).click()
    await page.waitForURL(/ok=saved/)

    await page.goto(`${t.baseUrl}/jobs/new`)
    await check(page, '03-new-job')
    await page.getByLabel('Título', { exact: true }).fill('Saludos en otomí')
    await page.getByLabel('Descripción', { exact: true }).fill('Grabe cinco saludos.')
    await page.getByLabel('Lengua', { exact: true }).selectOption('ot')
    await page.getByLabel('Pago por persona', { exact: true }).fill('150.00')
    await page.getByRole('button', { name: 'Publicar', exact: true }).click()
    await page.waitForURL(/\/jobs\/[0-9a-f-]+\?ok=published/)
    expect(await page.textContent('main')).toContain('Trabajo publicado.')
    await check(page, '04-job-page-owner')

    // Get a quote: the job page shows debit, fee, what escrow receives and the wallet link.
    await page.getByRole('button', { name: 'Pedir cotización', exact: true }).click()
    await page.waitForURL(/funding=/)
    expect(await page.textContent('#funding')).toContain('450.00 MXN')
    await check(page, '05-quote')

    await page.getByRole('button', { name: 'Salir', exact: true }).click()
    await page.waitForURL(/ok=logged_out/)

    await register(page, 'creator_story', 'creator')
    await page.goto(`${t.baseUrl}/jobs?language=ot`)
    await check(page, '06-browse')
    await page.getByRole('link', { name: 'Saludos en otomí', exact: true }).click()
    await check(page, '07-job-page-creator')
    await page.getByLabel('Mensaje', { exact: true }).fill('Hablo otomí desde niño.')
    await page.getByRole('button', { name: 'Enviar solicitud', exact: true }).click()
    await page.waitForURL(/ok=applied/)
    expect(await page.textContent('main')).toContain('Pendiente')
    await check(page, '08-applied')

    await page.goto(`${t.baseUrl}/dashboard/applications`)
    await check(page, '09-my-applications')

    // Log in again as the funder through the login page, in English.
    await page.getByRole('button', { name: 'Salir', exact: true }).click()
    await page.getByRole('button', { name: 'English', exact: true }).click()
    await page.goto(`${t.baseUrl}/login`)
    await page.getByLabel('Username', { exact: true }).fill('funder_story')
    await page.getByLabel('Password', { exact: true }).fill('secret123')
    await page.getByRole('button', { name: 'Log in', exact: true }).click()
    await page.waitForURL(/\/dashboard/)
    await check(page, '10-dashboard-en')
    await page.goto(`${t.baseUrl}/dashboard/jobs`)
    await check(page, '11-my-jobs')
    await context.close()
  }, 120_000)

  test('the same with JavaScript off: every step is a plain form or link', async () => {
    const context = await browser.newContext({ viewport: { width: 360, height: 740 }, javaScriptEnabled: false })
    const page = await context.newPage()
    page.setDefaultTimeout(10_000)
    await register(page, 'nojs_funder', 'funder')
    await page.getByLabel('Dirección de billetera (Open Payments)', { exact: true }).fill('http://localhost:4100/nojs_funder')
    await page.getByRole('button', { name: 'Guardar', exact: true }).click()
    await page.waitForURL(/ok=saved/)
    await page.goto(`${t.baseUrl}/jobs/new`)
    await page.getByLabel('Título', { exact: true }).fill('Sin JavaScript')
    await page.getByLabel('Descripción', { exact: true }).fill('Funciona igual.')
    await page.getByRole('button', { name: 'Guardar borrador', exact: true }).click()
    await page.waitForURL(/ok=draft_saved/)
    await page.getByRole('button', { name: 'Publicar', exact: true }).click()
    await page.waitForURL(/ok=published/)
    await page.getByRole('button', { name: 'Pedir cotización', exact: true }).click()
    await page.waitForURL(/funding=/)
    // Without scripts: the payment link is on the page and a plain link refreshes the status.
    expect(await page.textContent('#funding')).toContain('http://wallet.test/consent/')
    await page.getByRole('link', { name: 'Actualizar', exact: true }).click()
    expect(await page.textContent('#funding')).toContain('Esperando su aprobación')
    await page.screenshot({ path: `${SHOTS}/12-nojs-quote.png`, fullPage: true })
    await page.getByRole('button', { name: 'English', exact: true }).click()
    expect(await page.textContent('h1')).toBe('Sin JavaScript')
    expect(await page.textContent('#funding')).toContain('Waiting for your approval')
    await page.getByRole('button', { name: 'Log out', exact: true }).click()
    await page.waitForURL(/ok=logged_out/)
    await context.close()
  }, 120_000)
})
