/**
 * Verified accessibility (issue 5), against the real payments service and sandbox wallet:
 * axe (WCAG 2.1 AA) on the pages the other browser tests do not reach (admin, apply, error pages),
 * the whole payment flow with the keyboard alone with a visible focus ring on every stop,
 * touch targets of at least 44×44 px, reduced motion, and the payment flow and admin area with JavaScript off.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { and, eq, ne } from 'drizzle-orm'
import type { Browser, Page } from 'playwright-core'
import type { Database } from '@voces/platform'
import type { Harness } from '../../../services/payments/test/harness.ts'
import type { WebApp } from '../src/app.ts'
import { seedDemoData } from '../src/seed/seed.ts'
import { setAdmin } from '../src/pages/admin/set-admin.ts'
import { PHONE, approveAtWallet, expectAxeClean, loggedIn as signIn, startBrowserStack, type BrowserStack } from './browser.ts'
import { funderWithJob } from './full-stack.ts'
import { jobs } from '../src/jobs/model.ts'
import { users } from '../src/domain/user.ts'
import { applications } from '../src/applications/model.ts'

const SHOTS = 'artifacts/web/a11y'
let h: Harness
let web: WebApp
let database: Database
let base: string
let browser: Browser
let stack: BrowserStack

beforeAll(async () => {
  stack = await startBrowserStack({ scheduler: true }, SHOTS)
  ;({ h, web, database, base, browser } = stack)
  await seedDemoData({ db: database.db, hashPassword: web.services.users.hashPassword, sandboxWalletUrl: h.sandbox.baseUrl, asset: stack.config.asset })
  await setAdmin(database.db, 'demo_funder', true)
}, 60_000)
afterAll(() => stack?.close())

const axe = expectAxeClean
const loggedIn = (username: string, password?: string, options?: { javaScriptEnabled?: boolean }) => signIn(browser, base, username, password, options)

/** Every visible interactive element smaller than 44×44 px (checkboxes and radios count with their label). */
function smallTargets(page: Page): Promise<string[]> {
  return page.evaluate<string[]>(`(() => {
    const out = []
    const all = document.querySelectorAll('a[href], button, input:not([type=hidden]), select, textarea, summary, [tabindex]:not([tabindex="-1"])')
    for (const el of all) {
      const style = getComputedStyle(el)
      if (style.visibility === 'hidden' || style.display === 'none' || el.getClientRects().length === 0) continue
      const target = el.type === 'checkbox' || el.type === 'radio' ? (el.closest('label') || el) : el
      const r = target.getBoundingClientRect()
      if (r.right <= 0 || r.bottom <= 0) continue // off-screen until focused (the skip link)
      if (r.width < 43.5 || r.height < 43.5) out.push(el.tagName.toLowerCase() + '[' + (el.getAttribute('data-audio-slug') || el.getAttribute('name') || el.className) + '] ' + Math.round(r.width) + 'x' + Math.round(r.height))
    }
    return out
  })()`)
}

/** Presses Tab until the focused element matches `selector`; every stop on our pages must show a focus ring. */
async function tabTo(page: Page, selector: string, max = 200): Promise<void> {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press('Tab')
    const state = await page.evaluate<{ match: boolean; ring: boolean; what: string }>(`(() => {
      const el = document.activeElement
      if (!el || el === document.body) return { match: false, ring: true, what: 'body' }
      const s = getComputedStyle(el)
      const ring = (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2) || (s.boxShadow !== 'none' && s.boxShadow !== '')
      return { match: el.matches(${JSON.stringify(selector)}), ring, what: el.tagName + ' ' + (el.getAttribute('data-audio-slug') || el.getAttribute('data-speak') || '') }
    })()`)
    // Every stop on our pages shows a focus ring (the wallet's own pages are not ours to judge).
    expect(!page.url().startsWith(base) || state.ring, `focus ring on ${state.what}`).toBe(true)
    if (state.match) return
  }
  throw new Error(`Tab never reached ${selector} on ${page.url()}`)
}

describe('verified accessibility', () => {
  test('axe: admin pages, the apply form, error pages', async () => {
    const admin = await loggedIn('demo_funder')
    const page = await admin.newPage()
    for (const path of ['/admin', '/admin?done=grant_approved', '/admin?done=invalid_limit', '/admin/users', '/admin/users?q=maria', '/admin/jobs', '/admin/jobs?state=reviewing', '/admin/money', '/admin/webhooks']) {
      const res = await page.goto(`${base}${path}`)
      expect(res?.status(), path).toBe(200)
      await axe(page, path)
      expect(await page.evaluate<number>('document.documentElement.scrollWidth'), path).toBeLessThanOrEqual(PHONE.width)
      await page.screenshot({ path: `${SHOTS}/admin${path.replace(/[/?=&]+/g, '-')}.png`, fullPage: true })
    }
    await admin.close()

    const creator = await loggedIn('maria_nahuatl')
    const cpage = await creator.newPage()
    const [maria] = await database.db.select().from(users).where(eq(users.username, 'maria_nahuatl'))
    const applied = new Set((await database.db.select().from(applications).where(eq(applications.applicantId, maria!.id))).map((a) => a.jobId))
    const open = (await database.db.select().from(jobs).where(and(eq(jobs.state, 'recruiting'), ne(jobs.ownerId, maria!.id)))).find((j) => !applied.has(j.id))
    await cpage.goto(`${base}/jobs/${open!.id}`)
    expect(await cpage.locator('form[action$="/applications"], form[action*="/apply"]').count()).toBeGreaterThan(0)
    await axe(cpage, 'apply form')
    // Non-admins get the 404 page for /admin; a form posted with a stale token gets the CSRF error page.
    expect((await cpage.goto(`${base}/admin`))?.status()).toBe(404)
    await axe(cpage, '/admin as a creator (404)')
    await cpage.goto(`${base}/profile`)
    await cpage.evaluate(`document.querySelectorAll('input[name=_csrf]').forEach((i) => { i.value = 'stale' })`)
    await cpage.locator('button[type=submit][data-audio-slug="profile.save"]').click()
    await cpage.waitForLoadState()
    expect(await cpage.locator('[data-error="csrf"]').count()).toBe(1)
    await axe(cpage, 'CSRF error page')
    await creator.close()
  }, 120_000)

  test('touch targets of at least 44×44 px and reduced motion, on the key pages', async () => {
    const context = await loggedIn('demo_funder')
    const page = await context.newPage()
    const [funder] = await database.db.select().from(users).where(eq(users.username, 'demo_funder'))
    const owned = await database.db.select().from(jobs).where(eq(jobs.ownerId, funder!.id))
    const paths = ['/', '/jobs', `/jobs/${owned.find((j) => j.state === 'recruiting')!.id}`, `/jobs/${owned.find((j) => j.state === 'reviewing')!.id}`, '/jobs/new', '/profile', '/dashboard/jobs', '/dashboard/money', '/admin', '/admin/users', '/admin/money']
    await page.emulateMedia({ reducedMotion: 'reduce' })
    const small: string[] = []
    for (const path of paths) {
      await page.goto(`${base}${path}`)
      small.push(...(await smallTargets(page)).map((s) => `${path} ${s}`))
      const moving = await page.evaluate<string[]>(`[...document.querySelectorAll('*')]
        .filter((el) => {
          const s = getComputedStyle(el)
          const secs = (v) => Math.max(...v.split(',').map((x) => parseFloat(x) || 0))
          return secs(s.transitionDuration) > 0 || (s.animationName !== 'none' && secs(s.animationDuration) > 0)
        })
        .map((el) => el.tagName)`)
      expect(moving, `${path}: nothing moves with reduced motion`).toEqual([])
    }
    await context.close()
    const anon = await browser.newContext({ viewport: PHONE })
    const apage = await anon.newPage()
    for (const path of ['/login', '/register', '/jobs?language=nah']) {
      await apage.goto(`${base}${path}`)
      small.push(...(await smallTargets(apage)).map((s) => `${path} ${s}`))
    }
    await anon.close()
    // A creator: the apply form (file inputs, recording), the submit form, their lists.
    const creator = await loggedIn('maria_nahuatl')
    const cpage = await creator.newPage()
    const [maria] = await database.db.select().from(users).where(eq(users.username, 'maria_nahuatl'))
    const mine = await web.services.applications.listMine(maria!.id)
    const submitting = mine.find((m) => m.job.state === 'submitting' && m.application.state === 'selected')
    const applied = new Set(mine.map((m) => m.job.id))
    const open = (await database.db.select().from(jobs).where(and(eq(jobs.state, 'recruiting'), ne(jobs.ownerId, maria!.id)))).find((j) => !applied.has(j.id))
    for (const path of [`/jobs/${open!.id}`, ...(submitting ? [`/jobs/${submitting.job.id}`] : []), '/dashboard/applications', '/dashboard/work', '/dashboard/money']) {
      await cpage.goto(`${base}${path}`)
      small.push(...(await smallTargets(cpage)).map((s) => `creator ${path} ${s}`))
    }
    await creator.close()
    expect(small).toEqual([])
  }, 120_000)

  test('the whole payment flow with the keyboard alone, focus always visible', async () => {
    const { job } = await funderWithJob(stack, { username: 'keyboard_funder', title: 'Con el teclado', amount: '10.00', funds: 100_00n })

    const context = await browser.newContext({ viewport: PHONE })
    const page = await context.newPage()
    page.setDefaultTimeout(15_000)
    await page.goto(`${base}/login`)
    await tabTo(page, '#f-username')
    await page.keyboard.type('keyboard_funder')
    await tabTo(page, '#f-password')
    await page.keyboard.type('secret123')
    await page.keyboard.press('Enter')
    await page.waitForURL(/\/dashboard/)

    await page.goto(`${base}/jobs/${job.id}`)
    await tabTo(page, 'button[type=submit][data-audio-slug="funding.get_quote"]')
    await page.keyboard.press('Enter')
    await page.waitForURL(/funding=/)
    expect(await page.textContent('#funding')).toContain('Esperando su aprobación')
    await tabTo(page, 'a[data-audio-slug="funding.approve"]')
    await page.keyboard.press('Enter')
    await page.waitForURL((u) => u.toString().startsWith(h.sandbox.baseUrl))
    await tabTo(page, 'button.approve', 50)
    await page.keyboard.press('Space')
    await page.waitForURL((u) => u.toString().startsWith(`${base}/jobs/${job.id}`))
    await page.getByText('Pago recibido').first().waitFor()
    // The pay and the escrow wallet's fee for paying it (0.50 + 1 %): the funder pays the fees.
    await page.locator('[data-ledger="funded"]', { hasText: '10.60 USD' }).waitFor()
    await page.screenshot({ path: `${SHOTS}/keyboard-funded.png`, fullPage: true })
    await context.close()
  }, 120_000)

  test('JavaScript off: pay through the wallet and see the status; the admin area works with plain forms', async () => {
    const { job } = await funderWithJob(stack, { username: 'nojs_payer', title: 'Sin scripts', amount: '7.00', funds: 100_00n })

    const context = await loggedIn('nojs_payer', 'secret123', { javaScriptEnabled: false })
    const page = await context.newPage()
    page.setDefaultTimeout(15_000)
    await page.goto(`${base}/jobs/${job.id}`)
    await page.locator('button[type=submit][data-audio-slug="funding.get_quote"]').click()
    await page.waitForURL(/funding=/)
    await approveAtWallet(page, stack, 'a[data-audio-slug="funding.approve"]', (u) => u.toString().startsWith(`${base}/jobs/${job.id}`))
    // Without scripts nothing polls: the plain refresh link shows the money once it arrived.
    await expect
      .poll(
        async () => {
          await page.reload()
          return page.textContent('#funding')
        },
        { timeout: 10_000, interval: 250 }
      )
      .toContain('Pago recibido')
    expect(await page.textContent('[data-ledger="funded"]')).toContain('7.57 USD')
    await context.close()

    const admin = await loggedIn('demo_funder', 'demo123', { javaScriptEnabled: false })
    const apage = await admin.newPage()
    await apage.goto(`${base}/admin/users?q=ana_quechua`)
    // Disabling asks first (a confirmation page, a plain form).
    await apage.locator('[data-user="ana_quechua"] a[data-audio-slug="admin.users.disable"]').click()
    await apage.waitForURL(/\/disable$/)
    await apage.locator('button[data-audio-slug="admin.users.disable"]').click()
    await apage.waitForURL(/done=disabled/)
    expect(await apage.getAttribute('[data-user="ana_quechua"]', 'data-disabled')).toBe('true')
    await apage.locator('[data-user="ana_quechua"] button[data-audio-slug="admin.users.enable"]').click()
    await apage.waitForURL(/done=enabled/)
    await apage.goto(`${base}/admin`)
    await apage.locator('#f-debitLimit').fill('abc')
    await apage.locator('button[data-audio-slug="admin.escrow.connect"]').click()
    await apage.waitForURL(/done=invalid_limit/)
    await admin.close()
  }, 120_000)

  test('JavaScript off, every page: it loads, and every control is a link or belongs to a plain form (only speaker buttons need scripts)', async () => {
    const [funder] = await database.db.select().from(users).where(eq(users.username, 'demo_funder'))
    const owned = await database.db.select().from(jobs).where(eq(jobs.ownerId, funder!.id))
    const byState = [...new Map(owned.map((j) => [j.state, j.id])).values()].map((id) => `/jobs/${id}`)
    const draft = owned.find((j) => j.state === 'draft')!
    const sweeps: Array<[string | null, string[]]> = [
      [null, ['/', '/jobs', '/jobs?language=nah&soon=1', '/login', '/register', '/nowhere']],
      ['demo_funder', ['/dashboard', '/dashboard/jobs', '/dashboard/money', '/profile', '/jobs/new', `/jobs/${draft.id}/edit`, ...byState, '/admin', '/admin/users', '/admin/jobs', '/admin/money', '/admin/webhooks']],
      ['maria_nahuatl', ['/dashboard/applications', '/dashboard/work', '/dashboard/money']]
    ]
    const problems: string[] = []
    for (const [who, paths] of sweeps) {
      const context = who ? await loggedIn(who, 'demo123', { javaScriptEnabled: false }) : await browser.newContext({ viewport: PHONE, javaScriptEnabled: false })
      const page = await context.newPage()
      for (const path of paths) {
        const res = await page.goto(`${base}${path}`)
        if ((res?.status() ?? 500) >= (path === '/nowhere' ? 500 : 400)) problems.push(`${who ?? 'anon'} ${path}: ${res?.status()}`)
        const orphans = await page.evaluate<string[]>(`[...document.querySelectorAll('button, input, select, textarea')]
          .filter((el) => !el.matches('button[data-speak], input[type=hidden]'))
          .filter((el) => { const f = el.form || el.closest('form'); return !f || !f.getAttribute('action') })
          .map((el) => el.outerHTML.slice(0, 80))`)
        problems.push(...orphans.map((o) => `${who ?? 'anon'} ${path}: ${o}`))
      }
      await context.close()
    }
    expect(problems).toEqual([])
  }, 120_000)

  test('operators: connect the escrow wallet through the wallet consent page; real payments, ledgers and webhook deliveries', async () => {
    const admin = await loggedIn('demo_funder')
    const page = await admin.newPage()
    page.setDefaultTimeout(15_000)
    await page.goto(`${base}/admin`)
    await page.locator('#f-debitLimit').fill('500.00')
    await page.locator('button[data-audio-slug="admin.escrow.connect"]').click()
    await approveAtWallet(page, stack, 'a[data-audio-slug="admin.escrow.approve"]', `${base}/admin?done=grant_approved`)
    expect(await page.getAttribute('[data-admin-notice]', 'data-admin-notice')).toBe('grant_approved')
    await axe(page, '/admin after connecting')

    // The payments made by the earlier tests: completed, in ledgers that balance, and announced by webhook.
    await page.goto(`${base}/admin/money`)
    expect(await page.locator('[data-funding-state="completed"]').count()).toBeGreaterThanOrEqual(2)
    expect(await page.locator('[data-ledger-balanced="false"]').count()).toBe(0)
    expect(await page.locator('[data-ledger-balanced="true"]').count()).toBeGreaterThanOrEqual(3)
    await page.goto(`${base}/admin/webhooks`)
    expect(await page.locator('[data-delivery-ok="true"]').count()).toBeGreaterThanOrEqual(2)
    expect(await page.locator('[data-received]').count()).toBeGreaterThanOrEqual(2)
    await axe(page, '/admin/webhooks with deliveries')
    await page.screenshot({ path: `${SHOTS}/admin-webhooks-real.png`, fullPage: true })
    await admin.close()
  }, 120_000)
})
