/**
 * Community audio in a real browser: a person whose language is Otomi records the label of a control
 * through the page (Chromium's fake microphone plays a generated WAV), an admin publishes it, and from
 * then on Otomi speakers hear that recording; a Spanish-only person hears speech synthesis that says
 * it is not recorded yet, then the Spanish recording once one is uploaded through the form.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { writeFileSync, mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { and, eq } from 'drizzle-orm'
import type { Browser, Page } from 'playwright-core'
import { PHONE, expectAxeClean } from './browser.ts'
import { launchChromium, screenshotPath } from '@voces/platform/browser'
import { Agent, startTestWeb, type TestWeb } from './helpers.ts'
import { makeWav } from './audio-fixtures.ts'
import { audioClips } from '../src/audio/model.ts'
import { users } from '../src/domain/user.ts'

let t: TestWeb
let browser: Browser
const dir = mkdtempSync(join(tmpdir(), 'voces-audio-'))
const wavPath = join(dir, 'otomi.wav')
const uploadPath = join(dir, 'spanish.wav')

beforeAll(async () => {
  writeFileSync(wavPath, makeWav(3, { sampleRate: 16000, frequency: 330 }))
  writeFileSync(uploadPath, makeWav(1, { sampleRate: 8000, frequency: 523 }))
  t = await startTestWeb()
  browser = await launchChromium(['--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream', `--use-file-for-fake-audio-capture=${wavPath}`, '--autoplay-policy=no-user-gesture-required'])
  const admin = new Agent(t.baseUrl)
  await admin.register('audio_boss', 'funder')
  await t.database.db.update(users).set({ isAdmin: true }).where(eq(users.username, 'audio_boss'))
  const otomi = new Agent(t.baseUrl)
  await otomi.register('hnahnu_voz', 'creator')
  await otomi.postMultipart('/profile', { displayName: 'Hñähñu', roles: 'creator', preferredLanguage: 'es', nativeLanguages: 'ot' })
  await new Agent(t.baseUrl).register('solo_espanol', 'creator')
})
afterAll(async () => {
  await browser?.close()
  await t?.close()
})

async function check(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: screenshotPath(`audio-${name}`), fullPage: true })
  await expectAxeClean(page)
}

/** A phone-sized page signed in as `username`, recording what it plays and what it speaks. */
async function signedIn(username: string): Promise<Page> {
  const context = await browser.newContext({ viewport: PHONE })
  // In the page (no DOM types here): remember what is played and spoken instead of making sound.
  await context.addInitScript({
    content: `
      window.__played = []
      window.__spoken = []
      HTMLMediaElement.prototype.play = function () { window.__played.push(this.src); return Promise.resolve() }
      if ('speechSynthesis' in window) window.speechSynthesis.speak = function (u) { window.__spoken.push(u.lang + '|' + u.text) }
    `
  })
  const page = await context.newPage()
  page.setDefaultTimeout(10_000)
  await page.goto(`${t.baseUrl}/login`)
  await page.getByLabel('Nombre de usuario', { exact: true }).fill(username)
  await page.getByLabel('Contraseña', { exact: true }).fill('secret123')
  await page.getByRole('button', { name: 'Entrar', exact: true }).click()
  await page.waitForURL((url) => !url.pathname.startsWith('/login'))
  return page
}

const played = (page: Page) => page.evaluate<string[]>('window.__played')
const spoken = (page: Page) => page.evaluate<string[]>('window.__spoken')

async function publishAll(): Promise<void> {
  const admin = await signedIn('audio_boss')
  await admin.goto(`${t.baseUrl}/admin/audio`)
  await check(admin, 'queue')
  while ((await admin.getByRole('button', { name: 'Publicar', exact: true }).count()) > 0) {
    await admin.getByRole('button', { name: 'Publicar', exact: true }).first().click()
    await admin.waitForURL(/done=published/)
  }
  await admin.context().close()
}

describe('a recording contributed through the page is heard from then on', () => {
  test('Otomi: record in the browser, publish, hear it', async () => {
    const page = await signedIn('hnahnu_voz')
    await page.goto(`${t.baseUrl}/jobs`)
    // Nothing recorded yet: speech synthesis in the interface language, and the page says so.
    await page.locator('button.speak[data-speak="browse.title"]').click()
    const note = page.locator('.speak-note')
    await expect.poll(() => note.textContent()).toContain('Audio aún no grabado')
    expect((await spoken(page))[0]).toMatch(/^es-MX\|Trabajos.*Audio aún no grabado/)
    await note.getByRole('link', { name: 'Grabar o pedir' }).click()
    await page.waitForURL(/\/audio\/contribute\?target=browse\.title/)
    await check(page, 'contribute')
    expect(await page.getByLabel('Lengua de la grabación', { exact: true }).inputValue()).toBe('ot')

    // Record (fake microphone), preview, record again (retry), send.
    const record = page.getByRole('button', { name: 'Grabar', exact: true })
    await record.click()
    const stop = page.getByRole('button', { name: 'Detener', exact: true })
    // While recording, a bar shows how many of the 30 s are used (seconds, ticking every 250 ms).
    const used = () => page.locator('[data-recorder] progress').evaluate((el) => Number((el as unknown as { value: number }).value))
    await stop.waitFor()
    await expect.poll(used).toBeGreaterThan(0.5)
    await check(page, 'recording')
    await stop.click()
    await page.locator('[data-recorder] audio').waitFor({ state: 'visible' })
    await record.click()
    await stop.waitFor()
    await expect.poll(used).toBeGreaterThan(1)
    await stop.click()
    await expect.poll(() => page.locator('[data-recorder] audio').getAttribute('src')).toMatch(/^blob:/)
    await page.getByRole('button', { name: 'Enviar grabación', exact: true }).click()
    await page.waitForURL(/sent=1/)
    expect(await page.textContent('main')).toContain('Tu grabación espera revisión')
    await page.getByRole('link', { name: 'Volver a la página', exact: true }).click()
    await page.waitForURL(`${t.baseUrl}/jobs`)
    const [clip] = await t.database.db.select().from(audioClips).where(eq(audioClips.target, 'browse.title'))
    expect(clip).toMatchObject({ language: 'ot', status: 'needs_review' })
    // The second take (about 1.2 s) was sent, its length read from the WebM on the server.
    expect(clip!.durationMs).toBeGreaterThan(500)
    expect(clip!.durationMs).toBeLessThan(5000)

    await publishAll()

    await page.goto(`${t.baseUrl}/jobs`)
    const speaker = page.locator('.speak[data-speak="browse.title"]')
    expect(await speaker.getAttribute('data-audio-lang')).toBe('ot')
    await check(page, 'jobs-with-otomi-audio')
    await speaker.click()
    await expect.poll(() => played(page)).toEqual([`${t.baseUrl}/audio/clips/${clip!.id}`])
    expect(page.url()).toBe(`${t.baseUrl}/jobs`)
    // What is played is the Opus/WebM recording made in the page.
    const res = await page.request.get(`${t.baseUrl}/audio/clips/${clip!.id}`)
    expect(res.headers()['content-type']).toBe('audio/webm')
    expect((await res.body()).length).toBeGreaterThan(500)
    await page.context().close()
  })

  test('Spanish only: speech synthesis until a Spanish recording is uploaded through the form and published', async () => {
    const page = await signedIn('solo_espanol')
    await page.goto(`${t.baseUrl}/jobs`)
    const speaker = page.locator('.speak[data-speak="browse.title"]')
    expect(await speaker.evaluate((el) => el.tagName)).toBe('BUTTON')
    await speaker.click()
    await expect.poll(() => spoken(page)).toHaveLength(1)
    // Headless Chromium has no voices: the generic "not recorded yet" sound plays as well.
    expect((await played(page)).every((src) => src === `${t.baseUrl}/audio/fallback`)).toBe(true)

    await page.goto(`${t.baseUrl}/audio/contribute?target=browse.title`)
    await page.getByLabel('Lengua de la grabación', { exact: true }).selectOption('es')
    await page.getByLabel('Tu grabación (máximo 30 segundos)', { exact: true }).setInputFiles(uploadPath)
    await page.getByRole('button', { name: 'Enviar grabación', exact: true }).click()
    await page.waitForURL(/sent=1/)
    await publishAll()
    const [es] = await t.database.db
      .select()
      .from(audioClips)
      .where(and(eq(audioClips.target, 'browse.title'), eq(audioClips.language, 'es')))

    await page.goto(`${t.baseUrl}/jobs`)
    await page.locator('.speak[data-speak="browse.title"]').click()
    await expect.poll(() => played(page)).toEqual([`${t.baseUrl}/audio/clips/${es!.id}`])
    await page.context().close()
  })

  test('the audio settings page: choose Otomi while signed out, then hear Otomi', async () => {
    const context = await browser.newContext({ viewport: PHONE })
    const page = await context.newPage()
    await page.goto(`${t.baseUrl}/jobs`)
    expect(await page.locator('.speak[data-speak="browse.title"]').getAttribute('data-audio-lang')).toBe('es')
    await page.getByRole('link', { name: 'Audio: elegir lengua y grabar' }).click()
    await check(page, 'settings')
    await page.getByLabel('Lengua de mis audios', { exact: true }).selectOption('ot')
    await page.getByRole('button', { name: 'Usar esta lengua', exact: true }).click()
    await page.waitForURL(`${t.baseUrl}/jobs`)
    expect(await page.locator('.speak[data-speak="browse.title"]').getAttribute('data-audio-lang')).toBe('ot')
    await context.close()
  })

  test('without JavaScript a recorded speaker is a plain link to the recording', async () => {
    const context = await browser.newContext({ javaScriptEnabled: false })
    const page = await context.newPage()
    await page.goto(`${t.baseUrl}/jobs`)
    const href = await page.locator('a.speak[data-speak="browse.title"]').getAttribute('href')
    expect(href).toMatch(/^\/audio\/clips\/[0-9a-f-]+$/)
    const res = await page.request.get(`${t.baseUrl}${href}`)
    expect(res.status()).toBe(200)
    await context.close()
  })

  test('a refused contribution keeps its recording, which can then be sent as it is', async () => {
    const page = await signedIn('hnahnu_voz')
    const clips = () => t.database.db.select().from(audioClips).where(eq(audioClips.target, 'nav.jobs'))
    const before = (await clips()).length
    await page.goto(`${t.baseUrl}/audio/contribute?target=nav.jobs&next=/jobs`)
    await page.getByRole('button', { name: 'Grabar', exact: true }).click()
    await page.getByRole('button', { name: 'Detener', exact: true }).waitFor()
    await expect.poll(() => page.locator('[data-recorder] progress').evaluate((el) => (el as unknown as { value: number }).value)).toBeGreaterThan(0.5)
    await page.getByRole('button', { name: 'Detener', exact: true }).click()
    await expect.poll(() => page.locator('[data-recorder] audio').getAttribute('src')).toMatch(/^blob:/)
    // A language the server does not know (as an old page or a tampered form would send): refused.
    await page.getByLabel('Lengua de la grabación', { exact: true }).evaluate((el) => {
      const select = el as unknown as { innerHTML: string; value: string }
      select.innerHTML += '<option value="tlh">Klingon</option>'
      select.value = 'tlh'
    })
    await page.getByRole('button', { name: 'Enviar grabación', exact: true }).click()
    await expect.poll(() => page.locator('#error-summary').count()).toBe(1)
    const language = page.getByLabel('Lengua de la grabación', { exact: true })
    expect(await language.getAttribute('aria-invalid')).toBe('true')
    expect(await language.getAttribute('aria-describedby')).toBe('f-language-error')
    expect(await clips()).toHaveLength(before)
    // The recording is still there: heard on the page, said to be kept, sent again by its id.
    const kept = page.locator('[data-kept=audio]')
    const keptId = await kept.locator('input[type=hidden]').inputValue()
    const src = await kept.locator('audio').getAttribute('src')
    const heard = await page.request.get(`${t.baseUrl}${src}`)
    expect(heard.status()).toBe(200)
    expect(heard.headers()['content-type']).toBe('audio/webm')
    await check(page, 'contribution-refused')

    await page.getByRole('button', { name: 'Enviar grabación', exact: true }).click()
    await page.waitForURL(/sent=1/)
    const sent = await clips()
    expect(sent).toHaveLength(before + 1)
    expect(sent.find((c) => c.mediaId === keptId)).toMatchObject({ language: 'ot', status: 'needs_review', durationMs: expect.any(Number) })
    await page.context().close()
  })
})
