import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { request as httpRequest } from 'node:http'
import { randomBytes, randomUUID } from 'node:crypto'
import { Readable } from 'node:stream'
import { readdir, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { eq } from 'drizzle-orm'
import { createLogger, createTestClock, createTestDatabase, type Database, type TestClock } from '@voces/platform'
import { buildWebApp, type WebApp } from '../src/app.ts'
import { testWebConfig, type WebConfig } from '../src/config.ts'
import { createFakePaymentsClient, type FakePaymentsClient } from '../src/payments-client/fake.ts'
import { createMediaStore, mediaKey, MEDIA_KEY, type MediaStore } from '../src/media/store/index.ts'
import { media } from '../src/media/model.ts'
import { submissions } from '../src/submissions/model.ts'
import { jobs } from '../src/jobs/model.ts'
import { Agent, SAMPLE, fundWithFake, jobFields } from './helpers.ts'
import { startObjectStore } from './object-store.ts'

const GRACE = 3600_000
let s3: Awaited<ReturnType<typeof startObjectStore>>
beforeAll(async () => {
  s3 = await startObjectStore()
})
afterAll(() => s3?.close())

const text = async (stream: Readable | null) => {
  const chunks: Buffer[] = []
  for await (const c of stream!) chunks.push(c as Buffer)
  return Buffer.concat(chunks)
}
/** A recording big enough to be cut in half: an MP3 header, then noise. */
const recording = () => Buffer.concat([SAMPLE.mp3, randomBytes(300_000)])

/** Wraps a store so that one put can be made to "crash" after the bytes are written (it never returns). */
function crashable(store: MediaStore) {
  let crashNext = false
  const hung: Array<(e: Error) => void> = []
  const wrapped: MediaStore = {
    ...store,
    list: () => store.list(),
    async put(key, body) {
      await store.put(key, body)
      if (!crashNext) return
      crashNext = false
      await new Promise<void>((_, reject) => hung.push(reject))
    }
  }
  return { store: wrapped, crashAfterNextPut: () => (crashNext = true), release: () => hung.forEach((r) => r(new Error('process gone'))) }
}

interface Site {
  web: WebApp
  config: WebConfig
  payments: FakePaymentsClient
  base: string
}
async function startSite(database: Database, clock: TestClock, overrides: Partial<WebConfig>, store?: MediaStore): Promise<Site> {
  const payments = createFakePaymentsClient()
  const config = testWebConfig({ maxUploadBytes: 8_000_000, ...overrides })
  const web = await buildWebApp({
    config,
    database,
    clock,
    logger: createLogger({ level: 'silent' }),
    paymentsClient: payments,
    ...(store ? { mediaStore: store } : {})
  })
  return { web, config, payments, base: await web.start() }
}

describe.each(['local', 's3'] as const)('media in the %s store', (kind) => {
  let database: Database
  let clock: TestClock
  let site: Site
  let crash: ReturnType<typeof crashable>
  let owner: Agent, stranger: Agent
  const creators: Agent[] = []
  let jobId = ''
  const mediaConfig = () => ({ store: kind, s3: kind === 's3' ? s3.config : undefined, sweepGraceMs: GRACE, sweepIntervalMs: GRACE })

  /** The resumable uploads' own files: the tus folder, or every key in the bucket that is not a medium. */
  const uploadFiles = async () =>
    kind === 'local'
      ? await readdir(join(site.config.uploadDir, 'tus')).catch(() => [])
      : (await s3.keys()).filter((key) => !MEDIA_KEY.test(key))

  beforeAll(async () => {
    database = await createTestDatabase()
    clock = createTestClock()
    const config = testWebConfig({ media: mediaConfig() })
    crash = crashable(createMediaStore(config))
    site = await startSite(database, clock, { uploadDir: config.uploadDir, media: mediaConfig() }, crash.store)
    owner = new Agent(site.base)
    stranger = new Agent(site.base)
    await owner.register('owner_m', 'funder')
    await stranger.register('stranger_m', 'both')
    await owner.postMultipart('/jobs', jobFields({ maxResponses: '3', recruitLimit: '3', submitLimit: '3' }))
    jobId = (await database.db.select().from(jobs))[0]!.id
    for (const name of ['creator_1', 'creator_2', 'creator_3']) {
      const c = new Agent(site.base)
      await c.register(name, 'creator')
      await c.postMultipart(`/jobs/${jobId}/apply`, { note: 'hola' })
      creators.push(c)
    }
    for (const id of (await owner.get(`/jobs/${jobId}`)).html.matchAll(/data-application="([^"]+)"/g)) {
      await owner.post(`/applications/${id[1]}/decide`, { state: 'selected' })
    }
    await fundWithFake(owner, { db: database.db, payments: site.payments, fundings: site.web.services.fundings }, jobId, 'https://wallet.test/owner_m')
    expect((await owner.post(`/jobs/${jobId}/start`)).status).toBe(303)
  })
  afterAll(async () => {
    crash?.release()
    await site?.web.stop()
    await database?.close()
    if (site) await rm(site.config.uploadDir, { recursive: true, force: true })
  })

  test('the store streams whole objects and byte ranges, lists and deletes them', async () => {
    const store = site.web.services.store
    const key = mediaKey(randomUUID())
    const bytes = randomBytes(64 * 1024)
    await store.put(key, Readable.from([bytes.subarray(0, 1000), bytes.subarray(1000)]))
    expect((await text(await store.get(key))).equals(bytes)).toBe(true)
    expect((await text(await store.get(key, { start: 10, end: 19 }))).equals(bytes.subarray(10, 20))).toBe(true)
    expect((await store.head(key))?.size).toBe(bytes.length)
    const listed = []
    for await (const o of store.list()) listed.push(o.key)
    expect(listed).toContain(key)
    await store.delete(key)
    expect(await store.head(key)).toBeNull()
    expect(await store.get(key)).toBeNull()
    await store.delete(key)
  })

  test('a submitted recording plays with a range request for the job owner; a stranger gets 404', async () => {
    const audio = recording()
    const sent = await creators[0]!.postMultipart(`/jobs/${jobId}/submission`, { text: 'mi cuento', audio, action: 'submit' })
    expect(sent.status).toBe(303)
    const [file] = await database.db.select().from(media).where(eq(media.purpose, 'submission'))
    expect(file!.state).toBe('stored')
    const part = await owner.request('GET', `/media/${file!.id}`, undefined, { range: 'bytes=1000-4999' })
    expect(part.status).toBe(206)
    expect(part.headers.get('content-range')).toBe(`bytes 1000-4999/${audio.length}`)
    expect(part.headers.get('accept-ranges')).toBe('bytes')
    const res = await fetch(`${site.base}/media/${file!.id}`, { headers: { cookie: owner.cookieHeader() } })
    expect(Buffer.from(await res.arrayBuffer()).equals(audio)).toBe(true)
    expect((await owner.request('GET', `/media/${file!.id}`, undefined, { range: `bytes=${audio.length}-` })).status).toBe(416)
    expect((await stranger.get(`/media/${file!.id}`)).status).toBe(404)
  })

  // Resumable uploads on S3 go straight into the bucket through @tus/s3-store (media/store/s3.ts). s3rver lacks
  // ListParts, AbortMultipartUpload and ListMultipartUploads, which it needs: the test harness supplies them
  // (test/s3-multipart-proxy.ts, in front of s3rver), so these run on both stores through the real AWS SDK.
  test('a resumable upload cut off after its first part resumes; the stored file is byte-identical and only its owner may touch it', async () => {
    const creator = creators[1]!
    await creator.get(`/jobs/${jobId}`)
    // Longer than one part of the S3 store (5 MiB): on S3 the resume must find the stored part through ListParts.
    const PART = 5 * 1024 * 1024
    const audio = Buffer.concat([SAMPLE.mp3, randomBytes(7_000_000)])
    const tusHeaders = (agent: Agent) => ({ 'tus-resumable': '1.0.0', 'csrf-token': agent.csrf })
    const metadata = `kind ${Buffer.from('audio').toString('base64')}`
    // Without the session's CSRF token, or signed out, nothing is created.
    expect((await creator.request('POST', '/uploads', undefined, { 'tus-resumable': '1.0.0', 'upload-length': '10' })).status).toBe(403)
    expect((await new Agent(site.base).request('POST', '/uploads', undefined, { 'tus-resumable': '1.0.0', 'upload-length': '10' })).status).toBe(404)
    const created = await creator.request('POST', '/uploads', undefined, { ...tusHeaders(creator), 'upload-length': String(audio.length), 'upload-metadata': metadata })
    expect(created.status, created.html).toBe(201)
    const path = created.location!
    const uploadId = path.split('/').pop()!
    await stranger.get('/')
    expect((await stranger.request('HEAD', path, undefined, tusHeaders(stranger))).status).toBe(404)

    // One part and half a megabyte, then the connection drops.
    const cut = PART + 512 * 1024
    await new Promise<void>((resolve) => {
      const req = httpRequest(`${site.base}${path}`, {
        method: 'PATCH',
        headers: { ...tusHeaders(creator), cookie: creator.cookieHeader(), 'upload-offset': '0', 'content-type': 'application/offset+octet-stream', 'content-length': String(audio.length) }
      })
      req.on('error', () => resolve())
      req.on('close', () => resolve())
      req.write(audio.subarray(0, cut), () => setImmediate(() => req.destroy()))
    })
    const offset = async () => Number((await creator.request('HEAD', path, undefined, tusHeaders(creator))).headers.get('upload-offset'))
    await expect.poll(offset, { timeout: 15_000 }).toBeGreaterThan(PART)
    const from = await offset()
    expect(from).toBeLessThanOrEqual(cut)
    const rest = await creator.request('PATCH', path, audio.subarray(from), {
      ...tusHeaders(creator),
      'upload-offset': String(from),
      'content-type': 'application/offset+octet-stream'
    })
    expect(rest.status).toBe(204)

    const sent = await creator.post(`/jobs/${jobId}/submission`, { text: 'con subida', audioUpload: uploadId, action: 'submit' })
    expect(sent.status).toBe(303)
    // The upload became the medium: it cannot be named again, and none of its own files is left.
    expect((await creator.request('HEAD', path, undefined, tusHeaders(creator))).status).toBe(404)
    expect((await uploadFiles()).filter((f) => f.startsWith(uploadId))).toEqual([])
    const [mine] = await database.db.select().from(submissions).where(eq(submissions.text, 'con subida'))
    const res = await fetch(`${site.base}/media/${mine!.audioId}`, { headers: { cookie: owner.cookieHeader() } })
    expect(Buffer.from(await res.arrayBuffer()).equals(audio)).toBe(true)
  })

  test('a refused resumable upload leaves nothing behind, and another person cannot submit my upload', async () => {
    const creator = creators[2]!
    await creator.get(`/jobs/${jobId}`)
    const headers = { 'tus-resumable': '1.0.0', 'csrf-token': creator.csrf, 'content-type': 'application/offset+octet-stream' }
    const meta = `kind ${Buffer.from('audio').toString('base64')}`
    const before = await uploadFiles()
    const bad = await creator.request('POST', '/uploads', SAMPLE.exe, { ...headers, 'upload-length': String(SAMPLE.exe.length), 'upload-metadata': meta })
    expect(bad.status).toBe(415)
    expect(await uploadFiles()).toEqual(before)
    const good = await creator.request('POST', '/uploads', SAMPLE.mp3, { ...headers, 'upload-length': String(SAMPLE.mp3.length), 'upload-metadata': meta })
    expect(good.status).toBe(201)
    const id = good.location!.split('/').pop()!
    // Someone else naming my upload gets nothing (not selected: refused before any file is looked at), and the upload is still mine.
    expect((await stranger.post(`/jobs/${jobId}/submission`, { audioUpload: id, action: 'submit' })).status).toBe(403)
    expect((await creator.request('HEAD', good.location!, undefined, headers)).status).toBe(200)
    expect(await site.web.services.media.checkUpload({ uploadId: id }, 'nobody', 'audio')).toBe('upload_missing')
  })

  test('a crash between storing the bytes and recording them leaves no visible half-submission; the sweep removes the orphan', async () => {
    const creator = creators[2]!
    crash.crashAfterNextPut()
    const cut = new AbortController()
    const form = new FormData()
    await creator.get(`/jobs/${jobId}`)
    form.append('_csrf', creator.csrf)
    form.append('text', 'se cayó')
    form.append('action', 'submit')
    form.append('audio', new Blob([new Uint8Array(recording())]), 'a.mp3')
    const sending = fetch(`${site.base}/jobs/${jobId}/submission`, { method: 'POST', body: form, signal: cut.signal, headers: { cookie: creator.cookieHeader() } }).catch(() => null)
    await expect.poll(async () => (await database.db.select().from(media).where(eq(media.state, 'pending'))).length).toBe(1)
    const [pending] = await database.db.select().from(media).where(eq(media.state, 'pending'))
    await expect.poll(async () => !!(await site.web.services.store.head(pending!.storageKey))).toBe(true)
    cut.abort()
    await sending
    // Nothing half-done shows: no submission, and the file is served to nobody, not even its owner.
    expect(await database.db.select().from(submissions).where(eq(submissions.text, 'se cayó'))).toHaveLength(0)
    expect((await owner.get(`/jobs/${jobId}`)).html).not.toContain('se cayó')
    expect((await creator.get(`/media/${pending!.id}`)).status).toBe(404)
    // Within the grace period the sweep leaves it (it could be a request still running); after it, it goes.
    expect((await site.web.services.media.sweep()).rows).toBe(0)
    // An object no row names (a crash while removing a file) goes too.
    const stray = mediaKey(randomUUID())
    await site.web.services.store.put(stray, Buffer.from('stray'))
    // The finished upload nobody ever named (the test before) waits out the grace period too, then goes.
    expect(await uploadFiles()).not.toEqual([])
    clock.advance(GRACE + 60_000)
    const swept = await site.web.services.media.sweep()
    expect(swept).toMatchObject({ rows: 1, objects: 1 })
    expect(swept.uploads).toBeGreaterThanOrEqual(1)
    expect(await uploadFiles()).toEqual([])
    expect(await site.web.services.store.head(pending!.storageKey)).toBeNull()
    expect(await site.web.services.store.head(stray)).toBeNull()
    expect(await database.db.select().from(media).where(eq(media.id, pending!.id))).toHaveLength(0)
    // Recorded, referenced files stay.
    const kept = await database.db.select().from(media)
    expect(kept.length).toBeGreaterThanOrEqual(1)
    for (const f of kept) expect(await site.web.services.store.head(f.storageKey)).not.toBeNull()
  })
})
