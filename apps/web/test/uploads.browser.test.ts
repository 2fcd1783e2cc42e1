/**
 * Resumable uploads in a real browser: a selected creator submits a recording through the submit form; the
 * page sends it with tus-js-client in chunks, one chunk's connection drops and the upload resumes, and the
 * stored file is byte-identical to the one chosen. On both media stores: the local directory, and an
 * S3-compatible server (s3rver, with the multipart operations @tus/s3-store needs supplied by the test
 * harness: test/s3-multipart-proxy.ts) through the real AWS SDK.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { randomBytes } from 'node:crypto'
import { eq } from 'drizzle-orm'
import type { Browser } from 'playwright-core'
import { AxeBuilder } from '@axe-core/playwright'
import { createTestDatabase, type Database } from '@voces/platform'
import { launchChromium, screenshotPath } from '@voces/platform/browser'
import { Agent, SAMPLE, fundWithFake, jobFields, startTestWeb, type TestWeb } from './helpers.ts'
import { submissions } from '../src/submissions/model.ts'
import { startObjectStore } from './object-store.ts'

let browser: Browser
let s3: Awaited<ReturnType<typeof startObjectStore>>
// Both web apps share one database (a new one costs seconds); each has its own people and job.
let database: Database
beforeAll(async () => {
  ;[browser, s3, database] = await Promise.all([launchChromium(), startObjectStore(), createTestDatabase()])
})
afterAll(async () => {
  await browser?.close()
  await s3?.close()
  await database?.close()
})

describe.each(['local', 's3'] as const)('on the %s store', (kind) => {
  let t: TestWeb
  let creator: Agent
  let jobId = ''

  beforeAll(async () => {
    const media = { store: kind, s3: kind === 's3' ? s3.config : undefined, sweepGraceMs: 3600_000, sweepIntervalMs: 3600_000 }
    t = await startTestWeb({ media }, { database })
    const owner = new Agent(t.baseUrl)
    await owner.register(`owner_tus_${kind}`, 'funder')
    jobId = /^\/jobs\/([^/?]+)/.exec((await owner.postMultipart('/jobs', jobFields({ deliverableTypes: ['audio'] }))).location!)![1]!
    creator = new Agent(t.baseUrl)
    await creator.register(`creator_tus_${kind}`, 'creator')
    await creator.postMultipart(`/jobs/${jobId}/apply`, { note: 'hola' })
    const application = /data-application="([^"]+)"/.exec((await owner.get(`/jobs/${jobId}`)).html)![1]!
    await owner.post(`/applications/${application}/decide`, { state: 'selected' })
    await fundWithFake(owner, { db: t.database.db, payments: t.payments, fundings: t.web.services.fundings }, jobId, `https://wallet.test/owner_tus_${kind}`)
    expect((await owner.post(`/jobs/${jobId}/start`)).status).toBe(303)
  })
  afterAll(async () => {
    await t?.close()
  })

  test('a recording sent in chunks survives a dropped connection and arrives byte-identical', async () => {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 } })
    const url = new URL(t.baseUrl)
    await context.addCookies(
      creator
        .cookieHeader()
        .split('; ')
        .map((pair) => {
          const i = pair.indexOf('=')
          return { name: pair.slice(0, i), value: pair.slice(i + 1), domain: url.hostname, path: '/' }
        })
    )
    const page = await context.newPage()
    const patches: string[] = []
    let dropped = false
    // The second chunk's connection drops once, as on a village network.
    await page.route('**/uploads/*', async (route) => {
      if (route.request().method() !== 'PATCH') return route.continue()
      patches.push(route.request().headers()['upload-offset'] ?? '')
      if (patches.length === 2 && !dropped) {
        dropped = true
        return route.abort('connectionreset')
      }
      return route.continue()
    })
    await page.goto(`${t.baseUrl}/jobs/${jobId}`)
    const audio = Buffer.concat([SAMPLE.mp3, randomBytes(700_000)])
    await page.locator('form[data-resumable] input[name=audio]').setInputFiles({ name: 'cuento.mp3', mimeType: 'audio/mpeg', buffer: audio })
    const axe = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze()
    expect(axe.violations.map((v) => v.id)).toEqual([])
    await page.locator('form[data-resumable] button[value=submit]').click()
    await page.waitForURL(/ok=submitted/, { timeout: 60_000 })
    await page.screenshot({ path: screenshotPath(`uploads-submitted-${kind}`), fullPage: true })
    expect(dropped).toBe(true)
    // 256 KB chunks: at least three PATCHes, and the one after the drop started again from where the server was.
    expect(patches.length).toBeGreaterThanOrEqual(4)
    const [mine] = await t.database.db.select().from(submissions).where(eq(submissions.jobId, jobId))
    expect(mine?.state).toBe('submitted')
    const res = await fetch(`${t.baseUrl}/media/${mine!.audioId}`, { headers: { cookie: creator.cookieHeader() } })
    expect(Buffer.from(await res.arrayBuffer()).equals(audio)).toBe(true)
    await context.close()
  }, 120_000)
})
