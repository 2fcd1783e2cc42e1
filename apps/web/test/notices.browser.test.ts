/**
 * The inbox on a 390 px phone in Chromium (issue 10): the header's bell with its count and speaker,
 * the list with a speaker on each notice, opening one and "mark all read" with JavaScript off;
 * axe finds nothing, nothing is wider than the phone; screenshots in artifacts/web/.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { mkdirSync } from 'node:fs'
import { eq } from 'drizzle-orm'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { launchChromium } from '@voces/platform/browser'
import { AxeBuilder } from '@axe-core/playwright'
import { Agent, jobFields, startTestWeb, type TestWeb } from './helpers.ts'
import { jobs } from '../src/jobs/model.ts'
import { users } from '../src/domain/user.ts'
import { notices } from '../src/notices/model.ts'

const SHOTS = 'artifacts/web'
let t: TestWeb
let browser: Browser
let jobId: string

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true })
  ;[t, browser] = await Promise.all([startTestWeb(), launchChromium()])
  const owner = new Agent(t.baseUrl)
  await owner.register('inbox_funder', 'funder')
  await owner.postMultipart('/jobs', jobFields({ title: 'Saludos en otomí para el buzón' }))
  const [job] = await t.database.db.select().from(jobs).where(eq(jobs.title, 'Saludos en otomí para el buzón'))
  jobId = job!.id
  for (const name of ['inbox_maria', 'inbox_carlos']) {
    const creator = new Agent(t.baseUrl)
    await creator.register(name, 'creator')
    await creator.postMultipart(`/jobs/${jobId}/apply`, { note: 'Hablo otomí' })
  }
  // Two more kinds, as the payments and funding paths write them.
  const [me] = await t.database.db.select().from(users).where(eq(users.username, 'inbox_funder'))
  await t.database.db.transaction(async (tx) => {
    await t.web.services.notices.notify(tx, {
      userId: me!.id,
      kind: 'refunded',
      params: { title: 'Cuento corto', amount: '123450', assetCode: 'MXN', assetScale: 2 },
      link: `/jobs/${jobId}`,
      dedupeKey: 'browser:refunded'
    })
    await t.web.services.notices.notify(tx, { userId: me!.id, kind: 'funding_failed', params: { title: 'Cuento corto' }, link: `/jobs/${jobId}`, dedupeKey: 'browser:failed' })
  })
  // A loaded 2-core machine runs migrations and Chromium's start slowly.
}, 120_000)
afterAll(async () => {
  await browser?.close()
  await t?.close()
})

async function signedIn(javaScript: boolean): Promise<BrowserContext> {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, javaScriptEnabled: javaScript })
  const page = await context.newPage()
  await page.goto(`${t.baseUrl}/login`)
  await page.locator('#f-username').fill('inbox_funder')
  await page.locator('#f-password').fill('secret123')
  await page.locator('button[type=submit][data-audio-slug="login.submit"]').click()
  await page.waitForURL(/\/dashboard/)
  await page.close()
  return context
}

async function check(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: `${SHOTS}/${name}.png`, fullPage: true })
  const result = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze()
  expect(result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([])
  expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390)
}

describe('the inbox on a phone', () => {
  test('the bell counts, each notice has a speaker, axe finds nothing', async () => {
    const context = await signedIn(true)
    const page = await context.newPage()
    page.setDefaultTimeout(10_000)
    await page.goto(`${t.baseUrl}/`)
    const bell = page.locator('header a.notices-link')
    await expect.poll(() => bell.textContent()).toContain('4')
    expect(await page.locator('header button[data-speak="notices.header"]').getAttribute('aria-label')).toBe('Escuchar: 4 avisos nuevos')
    await check(page, 'notices-01-home-bell')

    await bell.click()
    await page.waitForURL(/\/notices$/)
    const cards = page.locator('li.notice')
    expect(await cards.count()).toBe(4)
    // Newest first: the two written last come first.
    expect(await cards.nth(0).textContent()).toContain('Su pago para «Cuento corto» no se completó')
    expect(await cards.nth(1).textContent()).toContain('Le devolvimos $1,234.50 MXN')
    expect(await cards.nth(3).textContent()).toMatch(/inbox_maria se postuló a su trabajo «Saludos en otomí para el buzón»/)
    for (let i = 0; i < 4; i++) expect(await cards.nth(i).locator('.speak').count()).toBeGreaterThanOrEqual(2)
    await check(page, 'notices-02-inbox')
    await context.close()
  }, 90_000)

  test('without JavaScript: open a notice, then mark all read', async () => {
    // All unread again, should this run be a retry of one that got halfway.
    await t.database.db.update(notices).set({ readAt: null })
    const context = await signedIn(false)
    const page = await context.newPage()
    page.setDefaultTimeout(10_000)
    await page.goto(`${t.baseUrl}/notices`)
    await page.locator('li.notice').nth(3).getByRole('button', { name: 'Abrir', exact: true }).click()
    await page.waitForURL(new RegExp(`/jobs/${jobId}$`))
    expect(await page.locator('header a.notices-link').textContent()).toContain('3')
    await page.goto(`${t.baseUrl}/notices`)
    expect(await page.locator('li.notice.unread').count()).toBe(3)
    await page.getByRole('button', { name: 'Marcar todos como leídos', exact: true }).click()
    await page.waitForURL(/ok=notices_read/)
    expect(await page.locator('li.notice.unread').count()).toBe(0)
    expect(await page.locator('header a.notices-link .count').count()).toBe(0)
    expect(await page.locator('main').textContent()).toContain('Todos sus avisos están leídos.')
    // axe needs scripts in the page: this JavaScript-off page is only photographed (the same markup is scanned above).
    await page.screenshot({ path: `${SHOTS}/notices-03-all-read-nojs.png`, fullPage: true })
    await context.close()
  }, 90_000)
})
