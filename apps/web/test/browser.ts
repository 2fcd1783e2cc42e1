import type { Browser, BrowserContext, Page } from 'playwright-core'
import { AxeBuilder } from '@axe-core/playwright'
import { expect } from 'vitest'

/** The phone every browser test looks through. */
export const PHONE = { width: 390, height: 844 }

/** The WCAG 2.1 A/AA violations axe finds on the page, one line each (empty when the page is clean). */
export async function axeViolations(page: Page, label = ''): Promise<string[]> {
  const result = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze()
  return result.violations.map((v) => `${label ? `${label} ` : ''}${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)
}

/** Zero axe violations (WCAG 2.1 A/AA). */
export async function expectAxeClean(page: Page, label = ''): Promise<void> {
  expect(await axeViolations(page, label)).toEqual([])
}

/** A phone-sized browser context signed in through the login form. */
export async function loggedIn(
  browser: Browser,
  base: string,
  username: string,
  password = 'demo123',
  options: { javaScriptEnabled?: boolean } = {}
): Promise<BrowserContext> {
  const context = await browser.newContext({ viewport: PHONE, ...options })
  const page = await context.newPage()
  await page.goto(`${base}/login`)
  await page.locator('#f-username').fill(username)
  await page.locator('#f-password').fill(password)
  await page.locator('button[type=submit][data-audio-slug="login.submit"]').click()
  await page.waitForURL(/\/dashboard/)
  await page.close()
  return context
}
