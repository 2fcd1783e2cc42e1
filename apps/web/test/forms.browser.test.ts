/**
 * Forms for everyone (issue 11), in Chromium at 390 px: an error's speaker says its words (and only
 * words); a refused submission comes back with its text and its in-browser recording kept, and can then
 * be submitted; every form submitted empty lists all its problems, marks its fields and passes axe; a
 * 10,000-character word on every page leaves no horizontal scroll and every button clickable.
 * One server (fake payments service) and one browser for the file.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { and, eq } from 'drizzle-orm'
import type { Browser, Page } from 'playwright-core'
import { AxeBuilder } from '@axe-core/playwright'
import { launchChromium, screenshotPath } from '@voces/platform/browser'
import { Agent, jobFields, startTestWeb, type TestWeb } from './helpers.ts'
import { makeWav } from './audio-fixtures.ts'
import { jobs } from '../src/jobs/model.ts'
import { applications } from '../src/applications/model.ts'
import { submissions } from '../src/submissions/model.ts'
import { users } from '../src/domain/user.ts'
import { fundings } from '../src/funding/model.ts'
import { payouts } from '../src/payouts/model.ts'

const WORD = 'x'.repeat(10_000)
const word = (n: number) => 'w'.repeat(n)
let t: TestWeb
let browser: Browser
let jobId = ''
const dir = mkdtempSync(join(tmpdir(), 'voces-forms-'))
const wavPath = join(dir, 'voice.wav')

beforeAll(async () => {
  writeFileSync(wavPath, makeWav(3, { sampleRate: 16000, frequency: 440 }))
  t = await startTestWeb()
  browser = await launchChromium(['--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream', `--use-file-for-fake-audio-capture=${wavPath}`])
  const funder = new Agent(t.baseUrl)
  await funder.register('forms_funder', 'funder')
  // Every text as long as it may be, one word each: the pages must wrap them.
  await funder.postMultipart('/profile', { displayName: word(100), roles: 'funder', preferredLanguage: 'es', note: word(2000) })
  const created = await funder.post('/jobs', jobFields({ title: word(200), description: word(5000), dialect: word(100), deliverableTypes: ['audio', 'text'] }))
  jobId = /\/jobs\/([0-9a-f-]+)/.exec(created.location ?? '')![1]!
  const creator = new Agent(t.baseUrl)
  await creator.register('forms_creator', 'creator')
  await creator.postMultipart('/profile', { displayName: word(100), roles: 'creator', preferredLanguage: 'es' })
  expect((await creator.postMultipart(`/jobs/${jobId}/apply`, { note: word(2000) })).status).toBe(303)
  // Selected and working (the funding steps are not this file's subject).
  const [creatorRow] = await t.database.db.select().from(users).where(eq(users.username, 'forms_creator'))
  await t.database.db.update(applications).set({ state: 'selected' }).where(and(eq(applications.jobId, jobId), eq(applications.applicantId, creatorRow!.id)))
  await t.database.db.update(jobs).set({ state: 'submitting' }).where(eq(jobs.id, jobId))
}, 60_000)
afterAll(async () => {
  await browser?.close()
  await t?.close()
})

async function axe(page: Page, label: string): Promise<void> {
  const result = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze()
  expect(result.violations.map((v) => `${label} ${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([])
}

/** A phone-sized page, remembering what speech synthesis is given instead of speaking. */
async function phone(username?: string): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 } })
  await context.addInitScript({
    content: `
      window.__spoken = []
      HTMLMediaElement.prototype.play = function () { return Promise.resolve() }
      if ('speechSynthesis' in window) {
        window.speechSynthesis.speak = function (u) { window.__spoken.push(u.text) }
        window.speechSynthesis.getVoices = function () { return [{ lang: 'es-MX' }] }
      }
    `
  })
  const page = await context.newPage()
  page.setDefaultTimeout(10_000)
  if (username) {
    await page.goto(`${t.baseUrl}/login`)
    await page.locator('#f-username').fill(username)
    await page.locator('#f-password').fill('secret123')
    await page.locator('button[data-audio-slug="login.submit"]').click()
    await page.waitForURL((url) => !url.pathname.startsWith('/login'))
  }
  return page
}
const spoken = (page: Page) => page.evaluate<string[]>('window.__spoken')

/** No horizontal scroll, and every visible button and link is what a tap at its centre reaches. */
async function fits(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: screenshotPath(`forms-${name}`), fullPage: true })
  const width = await page.evaluate<number>('document.documentElement.scrollWidth')
  expect(width, `${name}: page width`).toBeLessThanOrEqual(390)
  const blocked = await page.evaluate<string[]>(`(() => {
    const out = []
    for (const el of document.querySelectorAll('main button, main a[href], main .btn, header button, header a[href]')) {
      const r = el.getBoundingClientRect()
      if (r.width === 0 || r.height === 0) continue
      window.scrollTo(0, Math.max(0, window.scrollY + r.top - 200))
      const q = el.getBoundingClientRect()
      const hit = document.elementFromPoint(q.left + Math.min(q.width / 2, 180), q.top + q.height / 2)
      if (!hit || !(el === hit || el.contains(hit))) out.push((el.getAttribute('data-audio-slug') || el.getAttribute('data-speak') || el.tagName) + ' under ' + (hit ? hit.tagName + '.' + hit.className : 'nothing'))
    }
    window.scrollTo(0, 0)
    return out
  })()`)
  expect(blocked, `${name}: buttons covered`).toEqual([])
}

describe('forms that speak, keep what was typed and recorded, and fit a phone', () => {
  test("an error's speaker says its words; the error page speaks and leads back", async () => {
    const page = await phone()
    await page.goto(`${t.baseUrl}/login`)
    await page.locator('button[data-audio-slug="login.submit"]').click()
    const summary = page.locator('#error-summary')
    await expect.poll(() => summary.locator('li').count()).toBe(2)
    expect(await page.locator('#f-username').getAttribute('aria-invalid')).toBe('true')
    expect(await page.locator('#f-username').getAttribute('aria-describedby')).toContain('f-username-error')
    await summary.locator('button.speak[data-speak="errors.required"]').first().click()
    await expect.poll(() => spoken(page)).toEqual([expect.stringMatching(/^Falta llenar este campo\. Audio aún no grabado$/)])
    // Words only: no emoji, no symbols, whatever surrounds the message.
    for (const text of await page.locator('button.speak[data-speak-text]').evaluateAll((els) => els.map((e) => e.getAttribute('data-speak-text') ?? ''))) {
      expect(text).not.toMatch(/\p{Extended_Pictographic}|[·•→]/u)
    }
    await axe(page, 'login refused')
    await fits(page, 'login-refused')

    // The error page: a speaker on its message, and the way back to where the person was.
    // Reached from the job's page (a link there, say): the way back is that page.
    await page.goto(`${t.baseUrl}/jobs/00000000-0000-4000-8000-000000000000`, { referer: `${t.baseUrl}/jobs/${jobId}` })
    await page.locator('.alert.error button.speak[data-speak="errors.not_found"]').click()
    await expect.poll(async () => (await spoken(page)).at(-1)).toMatch(/^No encontramos esta página/)
    expect(await page.locator('a.btn[data-audio-slug="forms.back"]').getAttribute('href')).toBe(`/jobs/${jobId}`)
    await axe(page, 'error page')
    await fits(page, 'error-page')
    await page.context().close()
  })

  test('every form submitted empty lists all its problems at once and passes axe', async () => {
    const page = await phone()
    await page.goto(`${t.baseUrl}/register`)
    await page.locator('button[data-audio-slug="register.submit"]').click()
    await expect.poll(() => page.locator('#error-summary li').count()).toBe(2)
    // Each option of a choice has its own speaker.
    expect(await page.locator('#f-role button.speak[data-speak^="register.role."]').count()).toBe(3)
    await axe(page, 'register refused')
    await fits(page, 'register-refused')
    // Letters of any language; look-alikes refused; what was typed comes back (not the password).
    await page.locator('#f-username').fill('pаypal')
    await page.locator('#f-displayName').fill(WORD.slice(0, 100))
    await page.locator('#f-password').fill('secret123')
    await page.locator('button[data-audio-slug="register.submit"]').click()
    await expect.poll(() => page.locator('#f-username-error').textContent()).toContain('mezcla alfabetos')
    expect(await page.locator('#f-username').inputValue()).toBe('pаypal')
    await page.locator('#f-username').fill('José')
    await page.locator('#f-password').fill('secret123')
    await page.locator('button[data-audio-slug="register.submit"]').click()
    await page.waitForURL(/\/profile/, { timeout: 30_000 })
    await page.context().close()

    const funder = await phone('forms_funder')
    await funder.goto(`${t.baseUrl}/jobs/new`)
    for (const f of ['title', 'description', 'amount', 'maxResponses']) await funder.locator(`#f-${f}`).fill('')
    await funder.locator('#f-deliverableTypes input[value=audio]').uncheck()
    // One long word typed past the limits: the server says the limit, keeps the text.
    await funder.locator('#f-dialect').evaluate((el, w) => {
      el.removeAttribute('maxlength')
      ;(el as unknown as { value: string }).value = w
    }, WORD)
    await funder.locator('button[data-audio-slug="jobs.publish"]').click()
    const items = funder.locator('#error-summary li')
    await expect.poll(() => items.count()).toBe(6)
    expect(await funder.locator('#f-dialect-error').textContent()).toContain('100')
    expect((await funder.locator('#f-dialect').inputValue()).length).toBe(10_000)
    for (const f of ['title', 'description', 'amount', 'maxResponses', 'dialect']) expect(await funder.locator(`#f-${f}`).getAttribute('aria-invalid')).toBe('true')
    await axe(funder, 'job form refused')
    await fits(funder, 'job-form-refused')
    await funder.goto(`${t.baseUrl}/profile`)
    // A funder sees the defaults for new jobs, not the creator's files.
    expect(await funder.locator('#f-defaultAmount').count()).toBe(1)
    expect(await funder.locator('#f-audio').count()).toBe(0)
    await axe(funder, 'profile (funder)')
    await fits(funder, 'profile-funder')
    await funder.context().close()
  })

  test('a refused submission keeps its recording and text, and can then be submitted', async () => {
    const page = await phone('forms_creator')
    await page.goto(`${t.baseUrl}/jobs/${jobId}`)
    await fits(page, 'job-creator')
    await page.locator('#f-text').fill(`Mi trabajo ${word(300)}`)
    // Record in the browser (Chromium's fake microphone), then add a file that is not text.
    const record = page.getByRole('button', { name: 'Grabar', exact: true })
    await record.click()
    const bar = page.locator('[data-recorder] progress')
    await expect.poll(() => bar.evaluate((el) => (el as unknown as { value: number }).value), { timeout: 10_000 }).toBeGreaterThan(0.5)
    await page.getByRole('button', { name: 'Detener', exact: true }).click()
    await page.locator('[data-recorder] audio').waitFor({ state: 'visible' })
    await page.locator('#f-textFile').setInputFiles({ name: 'cuento.mp3', mimeType: 'audio/mpeg', buffer: Buffer.from('89504e470d0a1a0a0000000d4948445200', 'hex') })
    await page.locator('button[data-audio-slug="submissions.submit"]').click()

    await expect.poll(() => page.locator('#error-summary').count()).toBe(1)
    expect(await page.locator('#f-textFile').getAttribute('aria-invalid')).toBe('true')
    expect(await page.locator('#f-text').inputValue()).toBe(`Mi trabajo ${word(300)}`)
    const kept = page.locator('[data-kept=audio]')
    expect(await kept.locator('audio').count()).toBe(1)
    const keptId = await kept.locator('input[type=hidden]').inputValue()
    await axe(page, 'submission refused')
    await fits(page, 'submission-refused')
    // The kept recording is fetched by its owner (the page plays it).
    const src = await kept.locator('audio').getAttribute('src')
    expect((await page.request.get(`${t.baseUrl}${src}`)).status()).toBe(200)

    await page.locator('button[data-audio-slug="submissions.submit"]').click()
    await page.waitForURL(new RegExp(`/jobs/${jobId}\\?ok=submitted`))
    const [saved] = await t.database.db.select().from(submissions).where(eq(submissions.jobId, jobId))
    expect(saved).toMatchObject({ state: 'submitted', audioId: keptId, text: `Mi trabajo ${word(300)}` })
    await fits(page, 'job-submitted')
    await page.context().close()
  })

  test('a 10,000-character word leaves every page without horizontal scroll', async () => {
    // The longest texts the database takes, and a 10,000-character word where a page shows what it was given.
    const creator = await t.database.db.select().from(users).where(eq(users.username, 'forms_creator'))
    await t.database.db.update(submissions).set({ text: WORD }).where(eq(submissions.creatorId, creator[0]!.id))
    const funder = await phone('forms_funder')
    for (const [name, path] of [
      ['home', '/'],
      ['browse', '/jobs'],
      ['browse-query', `/jobs?q=${WORD}`],
      ['job-owner', `/jobs/${jobId}`],
      ['dashboard-jobs', '/dashboard/jobs'],
      ['money', '/dashboard/money'],
      ['edit', `/jobs/${jobId}/edit`],
      ['contribute', `/audio/contribute?target=browse.title&next=/jobs/${WORD}`]
    ] as const) {
      await funder.goto(`${t.baseUrl}${path}`)
      await fits(funder, `long-${name}`)
    }
    await axe(funder, 'job page with long words')
    await funder.context().close()
    const creatorPage = await phone('forms_creator')
    for (const [name, path] of [
      ['job-creator', `/jobs/${jobId}`],
      ['applications', '/dashboard/applications'],
      ['profile-creator', '/profile']
    ] as const) {
      await creatorPage.goto(`${t.baseUrl}${path}`)
      await fits(creatorPage, `long-${name}`)
    }
    // A creator sees their files, not the funder's defaults for new jobs.
    expect(await creatorPage.locator('#f-defaultAmount').count()).toBe(0)
    await axe(creatorPage, 'profile (creator)')
    await creatorPage.context().close()
  })

  test('admin pages on a phone: tables become one card per row, a 10,000-character word wraps', async () => {
    const { db } = t.database
    const [funder] = await db.select().from(users).where(eq(users.username, 'forms_funder'))
    const [creator] = await db.select().from(users).where(eq(users.username, 'forms_creator'))
    await db.update(users).set({ isAdmin: true }).where(eq(users.id, funder!.id))
    // What the payments service may say is free text: a failed payment and a failed payout, one word each.
    await db.insert(fundings).values({ jobId, payerId: funder!.id, payerWallet: 'https://wallet.example/f', requested: 1000n, assetCode: 'MXN', assetScale: 2, state: 'failed', failureReason: WORD })
    await db.insert(payouts).values({ jobId, kind: 'payout', reference: 'forms-long', receiverId: creator!.id, amount: 500n, assetCode: 'MXN', assetScale: 2, state: 'failed', lastError: WORD })
    t.payments.webhookDeliveries.push({ id: 1, eventId: WORD, type: 'payment.completed', attempt: 1, statusCode: null, error: WORD, durationMs: 3, createdAt: new Date().toISOString(), eventDeliveredAt: null })
    const admin = await phone('forms_funder')
    for (const [name, path] of [
      ['admin', '/admin'],
      ['admin-users', `/admin/users?q=${WORD}`],
      ['admin-jobs', '/admin/jobs'],
      ['admin-money', '/admin/money'],
      ['admin-webhooks', '/admin/webhooks'],
      ['admin-audio', '/admin/audio'],
      ['admin-disputes', '/admin/disputes']
    ] as const) {
      await admin.goto(`${t.baseUrl}${path}`)
      await fits(admin, `long-${name}`)
    }
    // Every admin table is stacked like the others: no header row shown, each row a card, each cell labelled.
    for (const path of ['/admin/money', '/admin/webhooks']) {
      await admin.goto(`${t.baseUrl}${path}`)
      const tables = admin.locator('main table')
      expect(await tables.count(), path).toBeGreaterThan(0)
      expect(await admin.locator('main table:not(.stacked)').count(), path).toBe(0)
      const layout = await admin.evaluate<Array<{ row: string; header: number; unlabelled: number }>>(`[...document.querySelectorAll('main table')].map((table) => ({
        row: getComputedStyle(table.querySelector('tbody tr')).display,
        header: table.querySelector('thead').getBoundingClientRect().height,
        unlabelled: [...table.querySelectorAll('tbody td')].filter((td) => !td.getAttribute('data-label')).length
      }))`)
      for (const l of layout) expect(l, path).toEqual({ row: 'block', header: 1, unlabelled: 0 })
      await axe(admin, path)
    }
    await admin.context().close()
  })
})
