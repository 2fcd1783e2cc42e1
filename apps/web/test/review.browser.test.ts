/**
 * Reviews and disputes in Chromium on a 390 px phone, against the real payments service and sandbox
 * wallet: the funder asks for changes (a confirmation page saying what happens to the money), the
 * creator sees the reason and resubmits her kept work, the funder accepts after the confirmation; a
 * second creator opens a dispute and an admin splits the pay; the paid creator sees the notice under the
 * bell and in My money exactly what her sandbox wallet received. Every new page is scanned with axe (zero
 * violations); screenshots in artifacts/web/.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { mkdirSync } from 'node:fs'
import { and, eq } from 'drizzle-orm'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { AxeBuilder } from '@axe-core/playwright'
import { launchChromium } from '@voces/platform/browser'
import { visit, waitFor } from '../../../services/payments/test/harness.ts'
import { Agent, jobFields } from './helpers.ts'
import { sandboxFee, usd, startFullStack, type FullStack } from './full-stack.ts'
import { jobs, type Job } from '../src/jobs/model.ts'
import { fundings } from '../src/funding/model.ts'
import { payouts } from '../src/payouts/model.ts'
import { submissions } from '../src/submissions/model.ts'
import { setAdmin } from '../src/pages/admin/set-admin.ts'

/** Money's rules (docs/payments.md): each person's share in escrow is her pay plus escrow's payout fee for it. */
const SHARE = 10_00n + sandboxFee(10_00n)
const SHOTS = 'artifacts/web'
const PHONE = { width: 390, height: 844 }
let stack: FullStack
let browser: Browser
/** María's wallet in the sandbox: what My money says must be what its ledger holds. */
let mariaWallet: string
const contexts: BrowserContext[] = []

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true })
  stack = await startFullStack({ scheduler: true, connectEscrow: true })
  browser = await launchChromium()
}, 240_000)
afterAll(async () => {
  for (const c of contexts) await c.close()
  await browser?.close()
  await stack?.close()
})

async function axe(page: Page): Promise<void> {
  const result = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze()
  expect(result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([])
}

/** A phone-sized page, logged in as `username`. */
async function phone(username: string): Promise<Page> {
  const context = await browser.newContext({ viewport: PHONE })
  contexts.push(context)
  const page = await context.newPage()
  await page.goto(`${stack.base}/login`)
  await page.getByLabel('Nombre de usuario', { exact: true }).fill(username)
  await page.getByLabel('Contraseña', { exact: true }).fill('secret123')
  await page.getByRole('button', { name: 'Entrar', exact: true }).click()
  await page.waitForURL(/\/dashboard/)
  return page
}

describe('reviews and disputes on a phone', () => {
  let job: Job

  test('setup over HTTP: a funded job for two, both selected and submitted', async () => {
    const { h, base } = stack
    const owner = new Agent(base)
    await owner.register('brev_funder', 'funder')
    await owner.postMultipart('/profile', { displayName: 'Funder', walletAddress: (await h.buyer('USD', 100_00n)).url, roles: 'funder', preferredLanguage: 'es' })
    await owner.postMultipart('/jobs', jobFields({ title: 'Cuento revisado', amount: '10.00', maxResponses: '2', recruitLimit: '3', submitLimit: '3', deliverableTypes: ['text'] }))
    job = (await stack.database.db.select().from(jobs).where(eq(jobs.title, 'Cuento revisado')))[0]!
    await owner.post(`/jobs/${job.id}/funding`)
    const [f] = await stack.database.db.select().from(fundings).where(eq(fundings.jobId, job.id))
    await owner.get((await visit(await h.sandbox.approveConsent(f!.paymentUrl!))).location!.slice(base.length))
    await waitFor(async () => (await stack.database.db.select().from(fundings).where(eq(fundings.id, f!.id)))[0]!.state, (s) => s === 'completed', 30_000)
    for (const name of ['brev_maria', 'brev_ana']) {
      const c = new Agent(base)
      await c.register(name, 'creator')
      const wallet = await h.buyer('USD', 0n)
      if (name === 'brev_maria') mariaWallet = wallet.name
      await c.postMultipart('/profile', { displayName: name === 'brev_maria' ? 'María' : 'Ana', walletAddress: wallet.url, roles: 'creator', preferredLanguage: 'es' })
      await c.postMultipart(`/jobs/${job.id}/apply`, { note: 'hola' })
    }
    for (const m of (await owner.get(`/jobs/${job.id}`)).html.matchAll(/data-application="([^"]+)"/g)) await owner.post(`/applications/${m[1]!}/decide`, { state: 'selected' })
    expect((await owner.post(`/jobs/${job.id}/start`)).status).toBe(303)
    const admin = new Agent(base)
    await admin.register('brev_admin', 'both')
    await setAdmin(stack.database.db, 'brev_admin', true)
  }, 240_000)

  test('changes requested, resubmitted, accepted; a dispute split by an admin', async () => {
    const base = stack.base
    const maria = await phone('brev_maria')
    const ana = await phone('brev_ana')
    for (const [page, text] of [
      [maria, 'Había una vez'],
      [ana, 'Mi cuento']
    ] as const) {
      await page.goto(`${base}/jobs/${job.id}`)
      await page.getByLabel('Texto', { exact: true }).fill(text)
      await page.getByRole('button', { name: 'Entregar', exact: true }).click()
      await page.waitForURL(/ok=submitted/)
    }
    const mariaSub = (await stack.database.db.select().from(submissions).where(and(eq(submissions.jobId, job.id), eq(submissions.text, 'Había una vez'))))[0]!

    // The funder asks María for changes: the confirmation page says what happens to the money.
    const funder = await phone('brev_funder')
    await funder.goto(`${base}/jobs/${job.id}`)
    await axe(funder)
    await funder.locator(`[data-submission="${mariaSub.id}"]`).getByRole('link', { name: 'Pedir cambios', exact: true }).click()
    await funder.waitForURL(/\/changes$/)
    expect(await funder.textContent('[data-confirm-money]')).toContain('Todavía no se paga nada')
    await axe(funder)
    await funder.screenshot({ path: `${SHOTS}/review-01-ask-changes.png`, fullPage: true })
    await funder.getByLabel('Por qué (escrito)', { exact: true }).fill('Léalo más despacio')
    await funder.getByRole('button', { name: 'Pedir cambios', exact: true }).click()
    await funder.waitForURL(/ok=changes_requested/)

    // María sees why, her text kept, and sends it again.
    await maria.goto(`${base}/jobs/${job.id}`)
    expect(await maria.textContent('[data-changes-requested]')).toContain('Léalo más despacio')
    expect(await maria.inputValue('textarea[name=text]')).toBe('Había una vez')
    await axe(maria)
    await maria.screenshot({ path: `${SHOTS}/review-02-changes-requested.png`, fullPage: true })
    await maria.getByLabel('Texto', { exact: true }).fill('Había una vez, despacio')
    await maria.getByRole('button', { name: 'Entregar', exact: true }).click()
    await maria.waitForURL(/ok=submitted/)

    // The funder accepts after the confirmation; María is paid.
    await funder.goto(`${base}/jobs/${job.id}`)
    await funder.locator(`[data-submission="${mariaSub.id}"]`).getByRole('link', { name: 'Aceptar y pagar', exact: true }).click()
    await funder.waitForURL(/\/accept$/)
    expect(await funder.textContent('[data-confirm-money]')).toContain('Se pagan $10.00 USD del depósito a la billetera de María')
    await axe(funder)
    await funder.screenshot({ path: `${SHOTS}/review-03-confirm-accept.png`, fullPage: true })
    await funder.getByRole('button', { name: 'Aceptar y pagar', exact: true }).click()
    await funder.waitForURL(/ok=accepted/)

    // Ana disputes; her share is frozen; an admin splits it.
    await ana.goto(`${base}/jobs/${job.id}`)
    await ana.getByRole('link', { name: 'Abrir una disputa', exact: true }).click()
    await ana.waitForURL(/\/dispute$/)
    await axe(ana)
    await ana.getByLabel('Motivo de la disputa', { exact: true }).fill('No me contestan')
    await ana.screenshot({ path: `${SHOTS}/review-04-open-dispute.png`, fullPage: true })
    await ana.getByRole('button', { name: 'Abrir una disputa', exact: true }).click()
    await ana.waitForURL(/ok=dispute_opened/)
    await axe(ana)

    const admin = await phone('brev_admin')
    await admin.goto(`${base}/admin/disputes`)
    await axe(admin)
    await admin.getByRole('link', { name: 'Decidir', exact: true }).click()
    await admin.waitForURL(/\/admin\/disputes\/[0-9a-f-]+$/)
    expect(await admin.locator('[data-confirm-money]').innerText()).toContain(`y la reserva de ${usd(sandboxFee(10_00n))} para la comisión de pago`)
    await admin.locator('input[name=decision][value=split]').check()
    await admin.getByLabel('Para la creadora, si reparte (USD)', { exact: true }).fill('4.00')
    await admin.locator('input[name=confirm][value=yes]').check()
    await axe(admin)
    await admin.screenshot({ path: `${SHOTS}/review-05-decide-dispute.png`, fullPage: true })
    await admin.getByRole('button', { name: 'Decidir', exact: true }).click()
    await admin.waitForURL(/ok=dispute_decided/)
    await axe(admin)
    await admin.screenshot({ path: `${SHOTS}/review-06-dispute-decided.png`, fullPage: true })

    // The scheduler pays María 10.00 and Ana 4.00 (each exactly, escrow paying the fees from the reserve), and
    // refunds the funder the rest of Ana's share: its pay and reserve less her 4.00 and that payout's fee.
    const rows = await waitFor(
      async () => stack.database.db.select().from(payouts).where(eq(payouts.jobId, job.id)),
      (r) => r.length === 3 && r.every((p) => p.state === 'completed'),
      90_000
    )
    expect(rows.map((p) => `${p.kind}:${p.amount}`).sort()).toEqual(['payout:1000', 'payout:400', `refund:${SHARE - 4_00n - sandboxFee(4_00n)}`])
    expect(rows.filter((p) => p.kind === 'payout').map((p) => [p.received, p.fee])).toEqual(expect.arrayContaining([[10_00n, sandboxFee(10_00n)], [4_00n, sandboxFee(4_00n)]]))
    await funder.goto(`${base}/jobs/${job.id}`)
    expect(await funder.getAttribute('[data-ledger-balanced]', 'data-ledger-balanced')).toBe('true')
    await funder.screenshot({ path: `${SHOTS}/review-07-job-after.png`, fullPage: true })

    // María is told: the bell counts her notice, which says what reached her wallet; My money shows exactly
    // what the sandbox ledger holds for her (her pay, no fee of hers).
    const received = await stack.h.sandbox.admin.balance(mariaWallet)
    expect(received).toBe(10_00n)
    await maria.goto(`${base}/dashboard`)
    expect(Number(await maria.getAttribute('.notices-link [data-unread]', 'data-unread'))).toBeGreaterThan(0)
    await maria.locator('.notices-link').click()
    await maria.waitForURL(/\/notices/)
    expect(await maria.textContent('[data-kind="paid"]')).toContain(`Llegaron ${usd(received)} a su billetera por «Cuento revisado».`)
    await axe(maria)
    await maria.screenshot({ path: `${SHOTS}/review-08-notice-paid.png`, fullPage: true })
    await maria.goto(`${base}/dashboard/money`)
    expect(await maria.textContent('[data-money="earned"]')).toBe(usd(received))
    expect(await maria.textContent('[data-money-entry="payout"] [data-money-amount]')).toBe(usd(received))
    await axe(maria)
    await maria.screenshot({ path: `${SHOTS}/review-09-my-money.png`, fullPage: true })
  }, 300_000)
})
