/**
 * The payment story in Chromium against the real payments service and sandbox wallet (in its default
 * mode: 0.50 + 1 % fee on every payment): fund a job through the sandbox consent page and watch the
 * status arrive; the creator sees what reached her wallet; the denial path told as the wallet's report,
 * with "Try again" from the keyboard; a cancellation with refund; an admin's "Check again now" on a
 * payment the wallets could not confirm in time.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { mkdirSync } from 'node:fs'
import { eq } from 'drizzle-orm'
import type { Browser, Page } from 'playwright-core'
import { PHONE, expectAxeClean } from './browser.ts'
import type { Database } from '@voces/platform'
import { visit, waitFor, type Harness } from '../../../services/payments/test/harness.ts'
import { Agent, SAMPLE, jobFields } from './helpers.ts'
import { sandboxFee, usd, startFullStack, type FullStack } from './full-stack.ts'
import { launchChromium } from '@voces/platform/browser'
import { jobs } from '../src/jobs/model.ts'
import { payouts } from '../src/payouts/model.ts'
import { fundings } from '../src/funding/model.ts'
import { setAdmin } from '../src/pages/admin/set-admin.ts'

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

const axe = (page: Page) => expectAxeClean(page)

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

    const context = await browser.newContext({ viewport: PHONE })
    const page = await context.newPage()
    page.setDefaultTimeout(15_000)
    await login(page, 'browser_funder')

    // Approve: quote → sandbox consent page → back on the job page with the status.
    await page.goto(`${base}/jobs/${paid!.id}`)
    await page.getByRole('button', { name: 'Pedir cotización', exact: true }).click()
    await page.waitForURL(/funding=/)
    // Escrow is to receive the pay of two people and the fees of paying them (the escrow wallet's quote).
    const toEscrow = 2n * (15_00n + sandboxFee(15_00n))
    expect(await page.textContent('#funding')).toContain(usd(toEscrow))
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
    await page.locator('[data-ledger="funded"]', { hasText: usd(toEscrow) }).waitFor()
    expect(await page.getAttribute('[data-escrow]', 'data-escrow')).toBe('funded')
    await axe(page)
    await page.screenshot({ path: `${SHOTS}/pay-03-funded.png`, fullPage: true })

    // A creator applies, is selected, uploads audio and is paid from escrow when accepted.
    const creatorWallet = await h.buyer('USD', 0n)
    const creatorContext = await browser.newContext({ viewport: PHONE })
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
    // Accepting asks first, saying what happens to the money.
    await page.getByRole('link', { name: 'Aceptar y pagar', exact: true }).click()
    await page.waitForURL(/\/accept$/)
    await page.getByRole('button', { name: 'Aceptar y pagar', exact: true }).click()
    await page.waitForURL(/ok=accepted/)
    await waitFor(async () => (await database.db.select().from(payouts).where(eq(payouts.jobId, paid!.id)))[0]?.state, (st) => st === 'completed', 20_000)
    expect(await h.sandbox.admin.balance(creatorWallet.name)).toBeGreaterThan(0n)
    await cpage.goto(`${base}/jobs/${paid!.id}`)
    expect(await cpage.getAttribute('[data-payout-state]', 'data-payout-state')).toBe('completed')
    // What reached her wallet: exactly the job's pay; escrow paid the fee from the funder's reserve.
    expect(await h.sandbox.admin.balance(creatorWallet.name)).toBe(15_00n)
    expect(await cpage.textContent('[data-payout-state]')).toContain(usd(15_00n))
    await cpage.goto(`${base}/dashboard/money`)
    expect(await cpage.textContent('[data-money="earned"]')).toContain(usd(15_00n))
    expect(await cpage.textContent('[data-money="fees"]')).toContain(usd(0n))
    expect(await cpage.textContent('[data-money-entry="payout"] [data-money-amount]')).toContain(usd(15_00n))
    await axe(cpage)
    await cpage.screenshot({ path: `${SHOTS}/pay-05-creator-paid.png`, fullPage: true })
    await creatorContext.close()

    // Deny: the page says what the wallet reported, with a speaker; nothing counts as funded.
    await page.goto(`${base}/jobs/${denied!.id}`)
    await page.getByRole('button', { name: 'Pedir cotización', exact: true }).click()
    await page.waitForURL(/funding=/)
    await page.getByRole('link', { name: 'Aprobar en mi billetera', exact: true }).click()
    await page.waitForURL((u) => u.toString().startsWith(h.sandbox.baseUrl))
    await page.locator('button.deny').click()
    await page.waitForURL((u) => u.toString().startsWith(`${base}/jobs/${denied!.id}`))
    await page.getByText('Su billetera dice que usted lo rechazó. No se pagó nada.').first().waitFor()
    expect(await page.locator('#funding [data-speak="funding.wallet_result.declined"]').count()).toBe(1)
    expect(await page.textContent('#funding')).not.toContain('Se acabó el tiempo')
    expect(await page.textContent('[data-ledger="funded"]')).toContain('0.00 USD')
    await axe(page)
    await page.screenshot({ path: `${SHOTS}/pay-06-denied.png`, fullPage: true })
    // "Try again" from the keyboard: a new quote, a new approval, and this time the money arrives.
    await page.getByRole('button', { name: 'Intentar de nuevo', exact: true }).focus()
    await page.keyboard.press('Enter')
    await page.waitForURL(/funding=/)
    await page.getByRole('link', { name: 'Aprobar en mi billetera', exact: true }).click()
    await page.waitForURL((u) => u.toString().startsWith(h.sandbox.baseUrl))
    await page.locator('button.approve').click()
    await page.waitForURL((u) => u.toString().startsWith(`${base}/jobs/${denied!.id}`))
    await page.getByText('Pago recibido').first().waitFor()
    await page.locator('[data-ledger="funded"]', { hasText: usd(5_00n + sandboxFee(5_00n)) }).waitFor()
    await page.screenshot({ path: `${SHOTS}/pay-06b-tried-again.png`, fullPage: true })

    // Cancel the funded job: escrow refunds the funder.
    const before = await h.sandbox.admin.balance(wallet.name)
    await page.goto(`${base}/jobs/${paid!.id}`)
    await page.getByRole('link', { name: 'Cancelar trabajo', exact: true }).click()
    await page.waitForURL(/\/cancel$/)
    // The confirmation quotes the refund's own fee before anything moves, and what will arrive back.
    const held = toEscrow - (15_00n + sandboxFee(15_00n))
    expect(await page.textContent('[data-confirm-money]')).toContain(`Se le devuelven ${usd(held)} a su billetera. La billetera del depósito se queda ${usd(sandboxFee(held))} de comisión por enviarlo, así que a su billetera llegan ${usd(held - sandboxFee(held))}.`)
    await axe(page)
    await page.screenshot({ path: `${SHOTS}/pay-06c-confirm-cancel.png`, fullPage: true })
    await page.getByRole('button', { name: 'Cancelar trabajo', exact: true }).click()
    await page.waitForURL(/ok=canceled/)
    await waitFor(
      async () => (await database.db.select().from(payouts).where(eq(payouts.jobId, paid!.id))).find((p) => p.kind === 'refund')?.state,
      (st) => st === 'completed',
      20_000
    )
    // The refund returns what escrow held (the second person's pay and the unspent fee reserve) less its own fee:
    // exactly what the confirmation said.
    expect(await h.sandbox.admin.balance(wallet.name)).toBe(before + held - sandboxFee(held))
    await page.reload()
    expect(await page.textContent('[data-ledger="paid_out"]')).toContain('15.00 USD')
    expect(await page.textContent('[data-ledger="refunded"]')).toContain(usd(held - sandboxFee(held)))
    expect(await page.getAttribute('[data-escrow]', 'data-escrow')).toBe('closed')
    expect(await page.textContent('[data-ledger="held"]')).toContain('0.00 USD')
    expect(await page.getAttribute('[data-ledger-balanced]', 'data-ledger-balanced')).toBe('true')
    await axe(page)
    await page.screenshot({ path: `${SHOTS}/pay-07-refunded.png`, fullPage: true })
    await context.close()
  }, 120_000)

  test('a payment the wallets cannot confirm in time: the funder is told so; an admin presses "Check again now"', async () => {
    const wallet = await h.buyer('USD', 50_00n)
    const owner = new Agent(base)
    await owner.register('review_browser_funder', 'funder')
    await owner.postMultipart('/profile', { displayName: 'Funder', walletAddress: wallet.url, roles: 'funder', preferredLanguage: 'es' })
    await owner.postMultipart('/jobs', jobFields({ title: 'Confirmando el pago', amount: '5.00', maxResponses: '1' }))
    const [job] = await database.db.select().from(jobs).where(eq(jobs.title, 'Confirmando el pago'))
    const admin = new Agent(base)
    await admin.register('browser_admin', 'funder')
    await setAdmin(database.db, 'browser_admin', true)
    await owner.post(`/jobs/${job!.id}/funding`)
    const [f] = await database.db.select().from(fundings).where(eq(fundings.jobId, job!.id))
    const status = async () => (await h.api('GET', `/payments/${f!.pendingId}/status`)).json.status as string
    // The escrow's incoming payment and the funder's outgoing payment cannot be read past the deadline.
    await h.sandbox.admin.setFaults({ errorRate: 1, paths: ['/incoming-payments/', '/outgoing-payments/'] })
    const context = await browser.newContext({ viewport: PHONE })
    try {
      await visit(await h.sandbox.approveConsent(f!.paymentUrl!))
      await waitFor(status, (st) => st === 'sending', 20_000)
      h.clock.advance(h.config.settlementDeadlineMs + 1000)
      await waitFor(status, (st) => st === 'needs_review', 20_000)

      const page = await context.newPage()
      page.setDefaultTimeout(15_000)
      await login(page, 'review_browser_funder')
      await page.goto(`${base}/jobs/${job!.id}?funding=${f!.id}`)
      await page.getByText('Estamos confirmando que su pago llegó').first().waitFor()
      expect(await page.textContent('[data-ledger="funded"]')).toContain('0.00 USD')
      await axe(page)
      await page.screenshot({ path: `${SHOTS}/pay-08-needs-review.png`, fullPage: true })
      await page.close()

      const apage = await context.newPage()
      apage.setDefaultTimeout(15_000)
      await context.clearCookies()
      await login(apage, 'browser_admin')
      await apage.goto(`${base}/admin/money`)
      await apage.locator(`[data-review-funding="${f!.id}"]`).waitFor()
      expect(await apage.textContent(`[data-review-funding="${f!.id}"] [data-evidence]`)).toMatch(/incoming payment could not be read/)
      await axe(apage)
      await apage.screenshot({ path: `${SHOTS}/pay-09-admin-review.png`, fullPage: true })
      await h.sandbox.admin.setFaults({})
      await apage.locator(`[data-review-funding="${f!.id}"]`).getByRole('button', { name: 'Revisar ahora', exact: true }).click()
      await apage.waitForURL(/done=reconciled/)
      await apage.locator('[data-admin-notice="reconciled"]').waitFor()
      expect(await apage.locator(`[data-review-funding="${f!.id}"]`).count()).toBe(0)
      await axe(apage)
      await apage.screenshot({ path: `${SHOTS}/pay-10-admin-reconciled.png`, fullPage: true })
    } finally {
      await h.sandbox.admin.setFaults({})
      await context.close()
    }
    expect((await database.db.select().from(fundings).where(eq(fundings.id, f!.id)))[0]!.state).toBe('completed')
  }, 120_000)
})
