/**
 * The offline queue in a real browser (Debian's Chromium, a 390 px phone, its fake microphone): a creator
 * opens her pending work and two job pages online, loses the network, records and submits on both; the
 * page says each is kept on the phone. The network comes back: the first arrives exactly once and the
 * funder sees it; the second job was canceled meanwhile, so that one stays on the phone, marked refused
 * with the server's reason, its recording playable and downloadable, until she discards it; another
 * person signed in on the same phone sees none of it. The same from the service worker's copy of a job page,
 * and for an application: what she wrote and recorded offline arrives once when the network is back.
 */
import { afterAll, beforeAll, expect, test } from 'vitest'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { eq } from 'drizzle-orm'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { launchChromium, screenshotPath } from '@voces/platform/browser'
import { PHONE, expectAxeClean } from './browser.ts'
import { Agent, fundWithFake, jobFields, startTestWeb, type TestWeb } from './helpers.ts'
import { makeWav } from './audio-fixtures.ts'
import { jobs } from '../src/jobs/model.ts'
import { submissions } from '../src/submissions/model.ts'
import { applications } from '../src/applications/model.ts'
import { idempotencyKeys } from '../src/outbox/model.ts'

let t: TestWeb
let browser: Browser
let owner: Agent
let creator: Agent
let neighbour: Agent
const ids = { sent: '', refused: '', story: '', recruiting: '' }
const wavPath = join(mkdtempSync(join(tmpdir(), 'voces-outbox-')), 'voice.wav')

/** A published audio job with the creator selected, funded and started. */
async function jobAtWork(title: string): Promise<string> {
  await owner.postMultipart('/jobs', jobFields({ title, deliverableTypes: ['audio'] }))
  const id = (await t.database.db.select().from(jobs).where(eq(jobs.title, title)))[0]!.id
  await creator.postMultipart(`/jobs/${id}/apply`, { note: 'hola' })
  const application = /data-application="([^"]+)"/.exec((await owner.get(`/jobs/${id}`)).html)![1]!
  await owner.post(`/applications/${application}/decide`, { state: 'selected' })
  await fundWithFake(owner, { db: t.database.db, payments: t.payments, fundings: t.web.services.fundings }, id, 'https://wallet.test/owner_q')
  expect((await owner.post(`/jobs/${id}/start`)).status).toBe(303)
  return id
}

beforeAll(async () => {
  writeFileSync(wavPath, makeWav(3, { sampleRate: 16000, frequency: 330 }))
  t = await startTestWeb()
  browser = await launchChromium(['--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream', `--use-file-for-fake-audio-capture=${wavPath}`])
  owner = new Agent(t.baseUrl)
  await owner.register('owner_q', 'funder')
  creator = new Agent(t.baseUrl)
  await creator.register('creator_q', 'creator')
  neighbour = new Agent(t.baseUrl)
  await neighbour.register('neighbour_q', 'creator')
  ids.sent = await jobAtWork('Aviso en otomí')
  ids.refused = await jobAtWork('Receta en náhuatl')
  ids.story = await jobAtWork('Canción en zapoteco')
  await owner.postMultipart('/jobs', jobFields({ title: 'Cuento en mixteco', deliverableTypes: ['audio'] }))
  ids.recruiting = (await t.database.db.select().from(jobs).where(eq(jobs.title, 'Cuento en mixteco')))[0]!.id
})
afterAll(async () => {
  await browser?.close()
  await t?.close()
})

/** The phone's cookies become `who`'s session (one phone, shared). */
async function signIn(context: BrowserContext, who: Agent): Promise<void> {
  const host = new URL(t.baseUrl).hostname
  await context.clearCookies()
  await context.addCookies(
    who
      .cookieHeader()
      .split('; ')
      .map((pair) => ({ name: pair.slice(0, pair.indexOf('=')), value: pair.slice(pair.indexOf('=') + 1), domain: host, path: '/' }))
  )
}

async function creatorContext(serviceWorkers: 'allow' | 'block'): Promise<BrowserContext> {
  const context = await browser.newContext({ viewport: PHONE, serviceWorkers })
  await signIn(context, creator)
  return context
}

/** Records a second or so with the fake microphone. */
async function record(page: Page): Promise<void> {
  const form = page.locator('form[data-outbox]')
  await form.getByRole('button', { name: 'Grabar', exact: true }).click()
  await form.getByRole('button', { name: 'Detener', exact: true }).waitFor()
  await expect.poll(() => form.locator('[data-recorder] progress').evaluate((el) => (el as unknown as { value: number }).value)).toBeGreaterThan(0.5)
  await form.getByRole('button', { name: 'Detener', exact: true }).click()
  await expect.poll(() => form.locator('[data-recorder] audio').getAttribute('src')).toMatch(/^blob:/)
}

/** Records a second or so with the fake microphone and presses Submit. */
async function recordAndSubmit(page: Page): Promise<void> {
  await record(page)
  await page.locator('form[data-outbox] button[value=submit]').click()
}

const submitted = async (jobId: string) => (await t.database.db.select().from(submissions).where(eq(submissions.jobId, jobId))).filter((s) => s.state === 'submitted')

test('recorded and submitted offline: kept on the phone, sent once when online; a refused one keeps its reason', async () => {
  // A browser without a service worker: the page sends the queue when it hears `online`, or on the next visit.
  // (With one, Background Sync would send too — the next test — and race this test's lost answer.)
  const context = await creatorContext('block')
  const work = await context.newPage()
  await work.goto(`${t.baseUrl}/dashboard/work`)
  // Nothing on this phone yet: the queue, once read from IndexedDB, is not shown.
  await work.locator('[data-outbox-list][data-rendered]').waitFor({ state: 'attached' })
  expect(await work.locator('[data-outbox-list]').isHidden()).toBe(true)
  const first = await context.newPage()
  await first.goto(`${t.baseUrl}/jobs/${ids.sent}`)
  const second = await context.newPage()
  await second.goto(`${t.baseUrl}/jobs/${ids.refused}`)

  await context.setOffline(true)
  await recordAndSubmit(first)
  const list = first.locator('[data-outbox-list]')
  await expect.poll(() => list.locator('[data-outbox-count]').textContent()).toContain('Guardado en este teléfono — 1 en espera de envío')
  expect(await list.getAttribute('aria-live')).toBe('polite')
  expect(await list.locator('[data-outbox-count] .speak').getAttribute('data-speak-text')).toContain('1 en espera de envío')
  await first.screenshot({ path: screenshotPath('offline-queue-queued'), fullPage: true })
  await expectAxeClean(first, 'queued')
  await recordAndSubmit(second)
  await expect.poll(() => second.locator('[data-outbox-count]').textContent()).toContain('2 en espera de envío')
  expect(await submitted(ids.sent)).toHaveLength(0)
  await second.close()

  // The pending work page, open all along, shows both; Cancel asks first, and keeping it changes nothing.
  await expect.poll(() => work.locator('[data-outbox-item]').count()).toBe(2)
  await work.locator('[data-outbox-item]').first().getByRole('button', { name: 'Cancelar el envío', exact: true }).click()
  await work.getByRole('button', { name: 'No, guardarlo', exact: true }).click()
  expect(await work.locator('[data-outbox-item]').count()).toBe(2)
  await work.close()

  // Meanwhile the funder cancels the second job.
  expect((await owner.post(`/jobs/${ids.refused}/cancel`)).status).toBe(303)
  // The first answer is lost on the way back: the server did the work, the phone does not know it.
  let lost = 0
  await context.route(`**/jobs/${ids.sent}/submission`, async (route) => {
    if (lost > 0) return route.continue()
    lost++
    await route.fetch({ maxRedirects: 0 })
    return route.abort('connectionreset')
  })
  await context.setOffline(false)
  await expect.poll(() => submitted(ids.sent), { timeout: 30_000 }).toHaveLength(1)
  const refused = first.locator('[data-outbox-item=refused]')
  await refused.waitFor({ timeout: 30_000 })
  expect(lost).toBe(1)
  // So it still waits on the phone; the next visit sends it again with its key, and the server answers
  // as the first time: still one submission.
  expect(await first.locator('[data-outbox-item=waiting]').count()).toBe(1)
  await first.goto(`${t.baseUrl}/dashboard/work`)
  await expect.poll(() => first.locator('[data-outbox-item]').count(), { timeout: 30_000 }).toBe(1)
  expect(await first.locator('[data-outbox-item=refused]').count()).toBe(1)
  expect(await submitted(ids.sent)).toHaveLength(1)
  // The funder sees the work; it arrived once, with its recording.
  const mine = (await submitted(ids.sent))[0]!
  expect(mine.audioId).not.toBeNull()
  expect((await owner.get(`/jobs/${ids.sent}`)).html).toContain(`data-submission="${mine.id}"`)
  expect(await t.database.db.select().from(idempotencyKeys)).toHaveLength(1)

  // The refusal: the server's reason with its speaker, the recording to play and download, nothing waiting.
  expect(await refused.locator('[data-outbox-reason]').textContent()).toMatch(/\S/)
  expect(await refused.locator('[data-outbox-reason] .speak').count()).toBeGreaterThan(0)
  expect(await refused.locator('audio').getAttribute('src')).toMatch(/^blob:/)
  expect(await refused.getByRole('link', { name: 'Descargar mi grabación', exact: true }).getAttribute('download')).toBe('recording.webm')
  expect(await first.locator('[data-outbox-count]').textContent()).toBe('')
  await first.screenshot({ path: screenshotPath('offline-queue-refused'), fullPage: true })
  await expectAxeClean(first, 'refused')

  // Another person on the same phone sees nothing of hers.
  await signIn(context, neighbour)
  await first.reload()
  await first.locator('[data-outbox-list][data-rendered]').waitFor({ state: 'attached' })
  expect(await first.locator('[data-outbox-list]').isHidden()).toBe(true)
  expect(await first.locator('[data-outbox-item]').count()).toBe(0)

  // Hers still, on her next visit, until she discards it (asked first).
  await signIn(context, creator)
  await first.reload()
  const kept = first.locator('[data-outbox-item=refused]')
  await kept.waitFor()
  await kept.getByRole('button', { name: 'Descartarlo', exact: true }).click()
  await first.getByRole('button', { name: 'Sí, borrarlo', exact: true }).click()
  await expect.poll(() => first.locator('[data-outbox-list]').isHidden()).toBe(true)
  expect(await submitted(ids.sent)).toHaveLength(1)
  await context.close()
}, 120_000)

test("issue 13's story: the job page from the service worker offline, recorded, queued, sent once when online", async () => {
  const context = await creatorContext('allow')
  const page = await context.newPage()
  await page.goto(`${t.baseUrl}/dashboard/work`)
  // Once the worker is active, a page loaded from then on is its.
  await page.evaluate('navigator.serviceWorker.ready.then(() => true)')
  await page.goto(`${t.baseUrl}/dashboard/work`)
  expect(await page.evaluate<boolean>('!!navigator.serviceWorker.controller')).toBe(true)
  await page.goto(`${t.baseUrl}/jobs/${ids.story}`)
  // The worker keeps the job page (with its submit form) for her, the selected creator.
  const kept = () => page.evaluate<string[]>(`(async () => {
    const name = (await caches.keys()).find((n) => n.startsWith('voces-private-'))
    return name ? (await (await caches.open(name)).keys()).map((r) => new URL(r.url).pathname) : []
  })()`)
  await expect.poll(kept, { timeout: 15_000 }).toEqual(expect.arrayContaining(['/dashboard/work', `/jobs/${ids.story}`]))

  await context.setOffline(true)
  await page.goto(`${t.baseUrl}/jobs/${ids.story}`)
  await expect.poll(() => page.locator('#offline-banner').isVisible()).toBe(true)
  await recordAndSubmit(page)
  await expect.poll(() => page.locator('[data-outbox-count]').textContent()).toContain('Guardado en este teléfono — 1 en espera de envío')
  await expect.poll(() => page.locator('#offline-banner').isVisible()).toBe(true)
  await page.screenshot({ path: screenshotPath('offline-queue-story'), fullPage: true })
  await expectAxeClean(page, 'story queued from the offline copy')
  expect(await submitted(ids.story)).toHaveLength(0)

  // The page is closed before the network returns: no page can send it, only the worker's Background Sync
  // (Chromium fires it when the emulated network comes back, headless too).
  await page.close()
  expect(context.pages()).toHaveLength(0)
  await context.setOffline(false)
  await expect.poll(() => submitted(ids.story), { timeout: 30_000 }).toHaveLength(1)
  const again = await context.newPage()
  await again.goto(`${t.baseUrl}/dashboard/work`)
  await again.locator('[data-outbox-list][data-rendered]').waitFor({ state: 'attached' })
  expect(await again.locator('[data-outbox-list]').isHidden()).toBe(true)
  // Exactly once, with its recording; the funder sees it.
  const rows = await submitted(ids.story)
  expect(rows).toHaveLength(1)
  expect(rows[0]!.audioId).not.toBeNull()
  expect((await owner.get(`/jobs/${ids.story}`)).html).toContain(`data-submission="${rows[0]!.id}"`)
  await context.close()
}, 120_000)

test('applied offline: what she wrote and recorded stays on the phone, and the application arrives once', async () => {
  const context = await creatorContext('block')
  const page = await context.newPage()
  await page.goto(`${t.baseUrl}/jobs/${ids.recruiting}`)
  await context.setOffline(true)
  const form = page.locator('form[data-outbox]')
  await form.locator('textarea[name=note]').fill('Hablo mixteco desde niña')
  await record(page)
  await form.getByRole('button', { name: 'Enviar solicitud', exact: true }).click()
  await expect.poll(() => page.locator('[data-outbox-count]').textContent()).toContain('1 en espera de envío')
  const applied = () => t.database.db.select().from(applications).where(eq(applications.jobId, ids.recruiting))
  expect(await applied()).toHaveLength(0)
  await page.screenshot({ path: screenshotPath('offline-queue-applied'), fullPage: true })

  await context.setOffline(false)
  await expect.poll(applied, { timeout: 30_000 }).toHaveLength(1)
  const [row] = await applied()
  expect(row!.note).toBe('Hablo mixteco desde niña')
  expect(row!.audioId).not.toBeNull()
  await expect.poll(() => page.locator('[data-outbox-count]').textContent(), { timeout: 30_000 }).toBe('')
  // The job page now shows her application, waiting for the funder; the funder sees it.
  await page.reload()
  expect(await page.locator('[data-application-state=pending]').count()).toBe(1)
  expect((await owner.get(`/jobs/${ids.recruiting}`)).html).toContain('Hablo mixteco desde niña')
  expect(await applied()).toHaveLength(1)
  await context.close()
}, 120_000)
