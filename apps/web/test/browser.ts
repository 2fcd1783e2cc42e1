import { mkdirSync } from 'node:fs'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { AxeBuilder } from '@axe-core/playwright'
import { expect } from 'vitest'
import { launchChromium } from '@voces/platform/browser'
import { startFullStack, type FullStack } from './full-stack.ts'

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

export interface BrowserStack extends FullStack {
  browser: Browser
}

/** The whole stack (web, payments, sandbox) and one Chromium for a browser test file; screenshots go to `shots`. */
export async function startBrowserStack(options: Parameters<typeof startFullStack>[0], shots: string): Promise<BrowserStack> {
  mkdirSync(shots, { recursive: true })
  const stack = await startFullStack(options)
  try {
    const browser = await launchChromium()
    return {
      ...stack,
      browser,
      async close() {
        await browser.close()
        await stack.close()
      }
    }
  } catch (error) {
    await stack.close()
    throw error
  }
}

/** From our page's approval link: approve on the sandbox wallet's consent page, and come back to `back`. */
export async function approveAtWallet(page: Page, stack: FullStack, link: string, back: string | RegExp | ((u: URL) => boolean)): Promise<void> {
  await page.locator(link).click()
  await page.waitForURL((u) => u.toString().startsWith(stack.h.sandbox.baseUrl))
  await page.locator('button.approve').click()
  await page.waitForURL(back)
}
