/**
 * The installable app and reading offline (issue 13), on a 390 px phone in Chromium: a creator's own pages
 * come back from the service worker with the offline-copy banner (axe clean), a page never opened gives the
 * offline page, logging out empties the private caches, and the next person on the phone never sees the
 * first one's pages. Screenshots in artifacts/web/offline-*.png.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { mkdirSync } from 'node:fs'
import { eq } from 'drizzle-orm'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { launchChromium } from '@voces/platform/browser'
import { Agent, jobFields, SAMPLE, startTestWeb, type TestWeb } from './helpers.ts'
import { expectAxeClean, PHONE } from './browser.ts'
import { jobs } from '../src/jobs/model.ts'

const SHOTS = 'artifacts/web'
// Shorter than the 4 s default, so that holding a page's answer costs the suite little.
const DEADLINE_MS = 1500
let t: TestWeb
let browser: Browser
let jobId: string
let referenceId: string
let otherJobId: string

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true })
  ;[t, browser] = await Promise.all([startTestWeb({ offlineDeadlineMs: DEADLINE_MS }), launchChromium()])
  const owner = new Agent(t.baseUrl)
  await owner.register('offline_funder', 'funder')
  await owner.postMultipart('/jobs', { ...jobFields({ title: 'Receta leída sin red' }), reference: SAMPLE.mp3 })
  await owner.postMultipart('/jobs', jobFields({ title: 'Otro trabajo nunca abierto' }))
  const [job] = await t.database.db.select().from(jobs).where(eq(jobs.title, 'Receta leída sin red'))
  const [other] = await t.database.db.select().from(jobs).where(eq(jobs.title, 'Otro trabajo nunca abierto'))
  jobId = job!.id
  referenceId = job!.referenceMediaId!
  otherJobId = other!.id
  const maria = new Agent(t.baseUrl)
  await maria.register('offline_maria', 'creator')
  expect((await maria.postMultipart(`/jobs/${jobId}/apply`, { note: 'Hablo náhuatl' })).status).toBe(303)
  await new Agent(t.baseUrl).register('offline_carlos', 'creator')
  // A loaded 2-core machine runs migrations and Chromium's start slowly.
}, 120_000)
afterAll(async () => {
  await browser?.close()
  await t?.close()
})

async function logIn(context: BrowserContext, username: string): Promise<Page> {
  const page = await context.newPage()
  page.setDefaultTimeout(15_000)
  await page.goto(`${t.baseUrl}/login`)
  await page.locator('#f-username').fill(username)
  await page.locator('#f-password').fill('secret123')
  await page.locator('button[type=submit][data-audio-slug="login.submit"]').click()
  await page.waitForURL(/\/dashboard/)
  return page
}

/** The private cache's name and the paths it holds (none: no private cache). */
async function privateCache(page: Page): Promise<{ name: string | null; paths: string[] }> {
  // In the page (a string: the project's TypeScript has no DOM types).
  return page.evaluate(`(async () => {
    const name = (await caches.keys()).find((n) => n.startsWith('voces-private-')) ?? null
    if (!name) return { name, paths: [] }
    const keys = await (await caches.open(name)).keys()
    return { name, paths: keys.map((r) => new URL(r.url).pathname).sort() }
  })()`)
}

const controlled = (page: Page) => page.evaluate<boolean>('!!navigator.serviceWorker.controller')

async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: `${SHOTS}/offline-${name}.png`, fullPage: true })
  await expectAxeClean(page, name)
  expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(PHONE.width)
}

describe('reading offline', () => {
  let context: BrowserContext
  let maria: Page
  let mariasCache: string

  test('the app is installable: manifest in the person\'s language, icons, a worker for the whole site', async () => {
    context = await browser.newContext({ viewport: PHONE })
    maria = await logIn(context, 'offline_maria')
    const href = await maria.locator('link[rel=manifest]').getAttribute('href')
    expect(href).toBe('/manifest.webmanifest?lang=es')
    const manifest = (await (await fetch(`${t.baseUrl}${href}`)).json()) as { name: string; icons: { src: string; type: string }[] }
    expect(manifest).toMatchObject({ short_name: 'Voces', display: 'standalone', start_url: '/', lang: 'es' })
    expect(manifest.name).toContain('lenguas')
    expect(((await (await fetch(`${t.baseUrl}/manifest.webmanifest?lang=en`)).json()) as { name: string }).name).toContain('languages')
    for (const icon of manifest.icons) {
      const res = await fetch(`${t.baseUrl}${icon.src}`)
      expect([res.status, res.headers.get('content-type')?.split(';')[0]]).toEqual([200, icon.type])
    }
    const sw = await fetch(`${t.baseUrl}/sw.js`)
    expect(sw.headers.get('service-worker-allowed')).toBe('/')
    const worker = await sw.text()
    expect(worker).toContain("try { importScripts('/sw-outbox.js') } catch")
    expect(worker).toContain(`var NAV_TIMEOUT_MS = ${DEADLINE_MS}`)
    // The page registers it after loading; from then on it answers this page's requests.
    await expect.poll(() => controlled(maria), { timeout: 15_000 }).toBe(true)
  }, 60_000)

  test('her pages come back offline with the banner and its speaker; a page never opened says it was not saved', async () => {
    for (const path of ['/', '/dashboard/work', `/jobs/${jobId}`]) await maria.goto(`${t.baseUrl}${path}`)
    // The page, and the reference recording of the job she applied to, are kept under her session's key.
    await expect.poll(async () => (await privateCache(maria)).paths, { timeout: 15_000 })
      .toEqual(expect.arrayContaining(['/', '/dashboard/work', `/jobs/${jobId}`, `/media/${referenceId}`]))
    // Nothing but her own pages (the dashboard she landed on at login is one of them).
    expect((await privateCache(maria)).paths.every((p) => /^\/(dashboard(\/work)?|jobs\/[0-9a-f-]+|media\/[0-9a-f-]+)?$/.test(p))).toBe(true)
    mariasCache = (await privateCache(maria)).name!
    expect(mariasCache).not.toContain(String(await context.cookies().then((c) => c.find((x) => x.name === 'sid')?.value)))
    // Online, the banner is there but hidden.
    expect(await maria.locator('#offline-banner').isHidden()).toBe(true)

    await context.setOffline(true)
    for (const path of [`/jobs/${jobId}`, '/dashboard/work', '/']) {
      await maria.goto(`${t.baseUrl}${path}`)
      const banner = maria.locator('#offline-banner')
      await expect.poll(() => banner.isVisible()).toBe(true)
      const words = (await banner.locator('[data-audio-slug="offline.banner"]').textContent()) ?? ''
      expect(words).toMatch(/^Copia sin conexión de \d{1,2}:\d{2}.* \(.+\)$/)
      expect(words).not.toContain('%')
      expect(await banner.locator('.speak').getAttribute('data-speak-text')).toBe(words)
      expect(await banner.locator('.speak').getAttribute('aria-label')).toBe(`Escuchar: ${words}`)
      await shot(maria, path === '/' ? 'home' : path.startsWith('/jobs') ? 'job' : 'work')
    }
    await context.setOffline(false)
    // On a network too slow to answer by the deadline the stored copy is shown; the late answer then replaces it.
    const stamp = () => maria.evaluate<string>(`(async () => {
      const name = (await caches.keys()).find((n) => n.startsWith('voces-private-'))
      return (await (await caches.open(name)).match('/dashboard/work')).headers.get('x-voces-stored-at')
    })()`)
    const before = await stamp()
    let release = () => {}
    const held = new Promise<void>((resolve) => (release = resolve))
    await context.route('**/dashboard/work', async (route) => {
      await held
      await route.continue()
    })
    await maria.goto(`${t.baseUrl}/dashboard/work`, { waitUntil: 'commit' })
    await expect.poll(() => maria.locator('#offline-banner').isVisible(), { timeout: 15_000 }).toBe(true)
    release()
    await expect.poll(stamp).not.toBe(before)
    await context.unroute('**/dashboard/work')
    await context.setOffline(true)

    // The job page's reference recording plays from the phone, byte ranges and all.
    await maria.goto(`${t.baseUrl}/jobs/${jobId}`)
    const reference = await maria.evaluate(`(async (src) => {
      const whole = await fetch(src)
      const part = await fetch(src, { headers: { range: 'bytes=10-19' } })
      return { whole: (await whole.arrayBuffer()).byteLength, part: [part.status, (await part.arrayBuffer()).byteLength, part.headers.get('content-range')] }
    })('/media/${referenceId}')`)
    expect(reference).toEqual({ whole: SAMPLE.mp3.length, part: [206, 10, `bytes 10-19/${SAMPLE.mp3.length}`] })

    for (const path of ['/jobs', `/jobs/${otherJobId}`, '/dashboard/money']) {
      await maria.goto(`${t.baseUrl}${path}`)
      await expect.poll(() => maria.locator('h1').textContent()).toBe('Sin conexión')
      expect(await maria.locator('[data-audio-slug="offline.fallback"]').textContent()).toContain('no se guardó')
      expect(await maria.locator('#offline-banner').isHidden()).toBe(true)
    }
    await shot(maria, 'fallback')
    await context.setOffline(false)
  }, 120_000)

  test('logging out empties her caches; the next person on the phone never sees her pages', async () => {
    // A session that ended without a logout (expired, or its cookie gone): the worker itself drops her pages
    // at the next page, which names no session.
    await context.clearCookies({ name: 'sid' })
    await maria.goto(`${t.baseUrl}/jobs`)
    await expect.poll(async () => (await privateCache(maria)).name).toBeNull()
    maria = await logIn(context, 'offline_maria')
    await maria.goto(`${t.baseUrl}/`)
    await expect.poll(async () => (await privateCache(maria)).paths).toContain('/')
    // Her new session has a new key.
    expect((await privateCache(maria)).name).not.toBe(mariasCache)

    // The page after the logout does not come (the network dropped): her stored home (signed in, with the
    // offline banner) is not shown instead — Clear-Site-Data "cache" does not empty the Cache API.
    const lost = (url: URL) => url.pathname === '/'
    await context.route(lost, (route) => route.abort('internetdisconnected'))
    await maria.locator('button[data-audio-slug="nav.logout"]').click()
    await maria.waitForURL(/ok=logged_out/)
    await expect.poll(() => maria.locator('h1').textContent()).toBe('Sin conexión')
    await context.unroute(lost)
    await expect.poll(async () => (await maria.evaluate<string[]>('caches.keys()')).filter((n) => n.startsWith('voces-private-'))).toEqual([])

    const carlos = await logIn(context, 'offline_carlos')
    await expect.poll(() => controlled(carlos), { timeout: 15_000 }).toBe(true)
    await carlos.goto(`${t.baseUrl}/`)
    await expect.poll(async () => (await privateCache(carlos)).paths, { timeout: 15_000 }).toContain('/')
    expect((await privateCache(carlos)).name).not.toBe(mariasCache)

    await context.setOffline(true)
    // Maria's pending work and her job page were on this phone before: for Carlos they were never saved.
    for (const path of ['/dashboard/work', `/jobs/${jobId}`]) {
      await carlos.goto(`${t.baseUrl}${path}`)
      await expect.poll(() => carlos.locator('h1').textContent()).toBe('Sin conexión')
      expect(await carlos.content()).not.toContain('Receta leída sin red')
    }
    await carlos.goto(`${t.baseUrl}/`)
    await expect.poll(() => carlos.locator('#offline-banner').isVisible()).toBe(true)
    await context.setOffline(false)
    await context.close()
  }, 90_000)
})
