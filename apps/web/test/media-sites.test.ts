import { afterAll, beforeAll, expect, test } from 'vitest'
import { randomBytes } from 'node:crypto'
import { rm } from 'node:fs/promises'
import { eq } from 'drizzle-orm'
import { createLogger, createTestDatabase, type Database } from '@voces/platform'
import { buildWebApp, type WebApp } from '../src/app.ts'
import { testWebConfig, type WebConfig } from '../src/config.ts'
import { createFakePaymentsClient, type FakePaymentsClient } from '../src/payments-client/fake.ts'
import { createLocalStore, createS3Store } from '../src/media/store/index.ts'
import { migrateMedia } from '../src/media/migrate.ts'
import { media } from '../src/media/model.ts'
import { jobs } from '../src/jobs/model.ts'
import { Agent, SAMPLE, fundWithFake, jobFields } from './helpers.ts'
import { startObjectStore } from './object-store.ts'

/**
 * Several web processes on one database: an installation that kept media on local disk moves it into an
 * object store (media:migrate), then two web servers with different local directories share that store.
 */
let s3: Awaited<ReturnType<typeof startObjectStore>>
let database: Database
const sites: Array<{ web: WebApp; config: WebConfig; payments: FakePaymentsClient; base: string }> = []
const cookieSecret = randomBytes(32).toString('hex')

async function startSite(media: WebConfig['media']) {
  const config = testWebConfig({ cookieSecret, media })
  const payments = createFakePaymentsClient()
  const web = await buildWebApp({ config, database, logger: createLogger({ level: 'silent' }), paymentsClient: payments })
  const site = { web, config, payments, base: await web.start() }
  sites.push(site)
  return site
}
const login = async (base: string, username: string) => {
  const agent = new Agent(base)
  expect((await agent.post('/login', { username, password: 'secret123' })).status).toBe(303)
  return agent
}
const recording = () => Buffer.concat([SAMPLE.mp3, randomBytes(100_000)])

beforeAll(async () => {
  s3 = await startObjectStore()
  database = await createTestDatabase()
})
afterAll(async () => {
  for (const site of sites) {
    await site.web.stop()
    await rm(site.config.uploadDir, { recursive: true, force: true })
  }
  await database?.close()
  await s3?.close()
})

test('a local upload dir moves into the object store; two web servers then serve and take recordings for each other', async () => {
  const local = await startSite({ store: 'local', s3: undefined, sweepGraceMs: 3600_000, sweepIntervalMs: 3600_000 })
  const owner = new Agent(local.base)
  await owner.register('owner_s', 'funder')
  await owner.postMultipart('/jobs', jobFields({ maxResponses: '2', recruitLimit: '2', submitLimit: '2' }))
  const jobId = (await database.db.select().from(jobs))[0]!.id
  for (const name of ['creator_s1', 'creator_s2']) {
    const c = new Agent(local.base)
    await c.register(name, 'creator')
    await c.postMultipart(`/jobs/${jobId}/apply`, { note: 'hola', audio: SAMPLE.mp3 })
  }
  for (const m of (await owner.get(`/jobs/${jobId}`)).html.matchAll(/data-application="([^"]+)"/g)) {
    await owner.post(`/applications/${m[1]}/decide`, { state: 'selected' })
  }
  await fundWithFake(owner, { db: database.db, payments: local.payments, fundings: local.web.services.fundings }, jobId, 'https://wallet.test/owner_s')
  expect((await owner.post(`/jobs/${jobId}/start`)).status).toBe(303)
  const first = recording()
  const creator1 = await login(local.base, 'creator_s1')
  expect((await creator1.postMultipart(`/jobs/${jobId}/submission`, { audio: first, action: 'submit' })).status).toBe(303)

  // media:migrate, twice: the second run finds everything there already.
  const from = createLocalStore(local.config.uploadDir)
  const to = createS3Store(s3.config)
  const progress: number[] = []
  const once = await migrateMedia(from, to, (done) => progress.push(done))
  expect(once).toMatchObject({ copied: 3, skipped: 0 })
  expect(progress).toEqual([0, 1, 2, 3])
  expect(await migrateMedia(from, to)).toMatchObject({ copied: 0, skipped: 3 })
  await to.close()

  const s3Media = { store: 's3' as const, s3: s3.config, sweepGraceMs: 3600_000, sweepIntervalMs: 3600_000 }
  const a = await startSite(s3Media)
  const b = await startSite(s3Media)
  const [migrated] = await database.db.select().from(media).where(eq(media.purpose, 'submission'))
  // Uploaded through the second server, played through the third (and the other way round).
  const second = recording()
  const creator2 = await login(a.base, 'creator_s2')
  expect((await creator2.postMultipart(`/jobs/${jobId}/submission`, { audio: second, action: 'submit' })).status).toBe(303)
  const uploaded = (await database.db.select().from(media).where(eq(media.purpose, 'submission'))).find((f) => f.id !== migrated!.id)!

  const stranger = { a: new Agent(a.base), b: new Agent(b.base) }
  await stranger.a.register('stranger_s', 'both')
  stranger.b = await login(b.base, 'stranger_s')
  for (const site of [a, b]) {
    const ownerHere = await login(site.base, 'owner_s')
    for (const [file, bytes] of [
      [uploaded, second],
      [migrated!, first]
    ] as const) {
      const part = await fetch(`${site.base}/media/${file.id}`, { headers: { cookie: ownerHere.cookieHeader(), range: 'bytes=100-1099' } })
      expect(part.status).toBe(206)
      expect(Buffer.from(await part.arrayBuffer()).equals(bytes.subarray(100, 1100))).toBe(true)
    }
    for (const agent of [stranger.a, stranger.b, new Agent(site.base)]) {
      expect((await agent.request('GET', `/media/${uploaded.id}`)).status).toBe(404)
    }
  }
})
