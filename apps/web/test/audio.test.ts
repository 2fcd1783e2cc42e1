import { rm } from 'node:fs/promises'
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest'
import { and, eq } from 'drizzle-orm'
import { PgDialect } from 'drizzle-orm/pg-core'
import type { SQL } from 'drizzle-orm'
import { createLogger, createTestDatabase, type Database, type Db } from '@voces/platform'
import { buildWebApp, type WebApp } from '../src/app.ts'
import { testWebConfig, type WebConfig } from '../src/config.ts'
import { createFakePaymentsClient } from '../src/payments-client/fake.ts'
import { Agent, SAMPLE, jobFields } from './helpers.ts'
import { makeWav, makeWebm } from './audio-fixtures.ts'
import { audioClips, audioRequests } from '../src/audio/model.ts'
import { createAudioService } from '../src/audio/service.ts'
import { users } from '../src/domain/user.ts'
import { jobs } from '../src/jobs/model.ts'
import { media } from '../src/media/model.ts'

const dialect = new PgDialect()
/** Statements that read audio clips, counted at the database handle every service uses. */
let audioQueries = 0

function counting(db: Db): Db {
  return new Proxy(db, {
    get(target, prop) {
      const value = Reflect.get(target, prop, target) as unknown
      if (prop === 'execute') {
        return (query: SQL) => {
          if (/audio_clips/.test(dialect.sqlToQuery(query).sql)) audioQueries++
          return target.execute(query)
        }
      }
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value
    }
  })
}

let database: Database
let web: WebApp
let config: WebConfig
let base: string
let admin: Agent
let otomi: Agent
let spanish: Agent
let english: Agent
let anon: Agent
let jobId: string
let draftId: string

async function makeAdmin(username: string): Promise<void> {
  await database.db.update(users).set({ isAdmin: true }).where(eq(users.username, username))
}

async function clipsOf(target: string) {
  return database.db.select().from(audioClips).where(eq(audioClips.target, target))
}

/** The speaker of a target on a page: the clip it links to, or null when it is a speech-synthesis button. */
function speaker(html: string, target: string): { clip: string | null; lang: string | null } | undefined {
  const escaped = target.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
  const link = new RegExp(`<a class="speak" href="/audio/clips/([0-9a-f-]+)" data-speak="${escaped}"[^>]*data-audio-lang="([a-z]+)"`).exec(html)
  if (link) return { clip: link[1]!, lang: link[2]! }
  if (new RegExp(`<button type="button" class="speak" data-speak="${escaped}"`).test(html)) return { clip: null, lang: null }
  return undefined
}

async function contribute(agent: Agent, target: string, language: string, bytes: Buffer) {
  await agent.get(`/audio/contribute?target=${encodeURIComponent(target)}`)
  return agent.postMultipart('/audio/contribute', { target, language, audio: bytes })
}

async function publishLatest(target: string, language: string): Promise<string> {
  const [clip] = (await clipsOf(target)).filter((c) => c.language === language && c.status === 'needs_review')
  await admin.get('/admin/audio')
  const res = await admin.post(`/admin/audio/${clip!.id}/publish`)
  expect(res.status).toBe(303)
  return clip!.id
}

beforeAll(async () => {
  database = await createTestDatabase()
  config = testWebConfig({ maxUploadBytes: 2_000_000 })
  web = await buildWebApp({
    config,
    database: { ...database, db: counting(database.db) },
    logger: createLogger({ level: 'silent' }),
    paymentsClient: createFakePaymentsClient()
  })
  base = await web.start()
  admin = new Agent(base)
  otomi = new Agent(base)
  spanish = new Agent(base)
  english = new Agent(base)
  anon = new Agent(base)
  await admin.register('audio_admin', 'funder')
  await makeAdmin('audio_admin')
  await otomi.register('hnahnu', 'creator')
  await otomi.postMultipart('/profile', { displayName: 'Hñähñu', roles: 'creator', preferredLanguage: 'es', nativeLanguages: 'ot' })
  await spanish.register('hispana', 'creator')
  await english.register('anglo', 'creator')
  await english.postMultipart('/profile', { displayName: 'Anglo', roles: 'creator', preferredLanguage: 'en' })
  for (let i = 0; i < 12; i++) await admin.postMultipart('/jobs', jobFields({ title: `Trabajo ${i}` }))
  await admin.postMultipart('/jobs', jobFields({ title: 'Borrador', action: 'draft' }))
  const all = await database.db.select().from(jobs)
  jobId = all.find((j) => j.title === 'Trabajo 0')!.id
  draftId = all.find((j) => j.title === 'Borrador')!.id
})
afterAll(async () => {
  await web?.stop()
  await database?.close()
  await rm(config.uploadDir, { recursive: true, force: true })
})
beforeEach(() => {
  audioQueries = 0
})

describe('setup', () => {
  test('the Otomi speaker has Otomi in their profile', async () => {
    const [u] = await database.db.select().from(users).where(eq(users.username, 'hnahnu'))
    expect(u!.nativeLanguages).toEqual(['ot'])
  })
})

describe('all the audio of a page in one query, then from memory', () => {
  test('a page with many speakers costs one audio query cold, none warm, one after a publish', async () => {
    // Nothing has been rendered yet: every target of the browse page (12 job titles, labels) is cold.
    const other = (await database.db.select().from(jobs)).find((j) => j.title === 'Trabajo 7')!.id
    audioQueries = 0
    const page = await anon.get('/jobs')
    const speakers = new Set([...page.html.matchAll(/class="speak" data-speak="([^"]+)"/g)].map((m) => m[1]))
    expect(speakers.size).toBeGreaterThan(15)
    expect(audioQueries).toBe(1)
    audioQueries = 0
    await anon.get(`/jobs/${other}`)
    expect(audioQueries).toBe(1)
    audioQueries = 0
    await anon.get(`/jobs/${other}`)
    await anon.get('/jobs')
    expect(audioQueries).toBe(0)
    await contribute(otomi, `job.${other}.title`, 'ot', makeWav(1))
    await publishLatest(`job.${other}.title`, 'ot')
    audioQueries = 0
    expect(speaker((await otomi.get(`/jobs/${other}`)).html, `job.${other}.title`)?.lang).toBe('ot')
    expect(audioQueries).toBe(1)
  })
})

describe('contributions are checked by content', () => {
  test('a generated WAV is accepted and waits for review; nothing is heard yet', async () => {
    const res = await contribute(otomi, 'browse.title', 'ot', makeWav(1.5))
    expect(res.status).toBe(303)
    expect(res.location).toBe('/audio/contribute?target=browse.title&sent=1')
    const [clip] = await clipsOf('browse.title')
    expect(clip).toMatchObject({ language: 'ot', status: 'needs_review', durationMs: 1500 })
    const [file] = await database.db.select().from(media).where(eq(media.id, clip!.mediaId))
    expect(file!.mime).toBe('audio/wav')
    expect(speaker((await otomi.get('/jobs')).html, 'browse.title')).toEqual({ clip: null, lang: null })
  })

  test('a WebM (what browsers record) is accepted as audio, its length read from the clusters', async () => {
    expect((await contribute(otomi, 'browse.language', 'ot', makeWebm(3))).status).toBe(303)
    const [clip] = await clipsOf('browse.language')
    expect(clip!.durationMs).toBe(2980)
    const [file] = await database.db.select().from(media).where(eq(media.id, clip!.mediaId))
    expect(file!.mime).toBe('audio/webm')
  })

  test('a text file renamed to .wav is refused, and so is an executable', async () => {
    const before = (await database.db.select().from(audioClips)).length
    expect((await contribute(otomi, 'browse.title', 'ot', SAMPLE.text)).status).toBe(415)
    expect((await contribute(otomi, 'browse.title', 'ot', SAMPLE.exe)).status).toBe(415)
    expect((await database.db.select().from(audioClips)).length).toBe(before)
  })

  test('longer than 30 seconds, or bigger than the limit, is refused', async () => {
    expect((await contribute(otomi, 'nav.jobs', 'ot', makeWav(31, { sampleRate: 4000 }))).status).toBe(422)
    expect((await contribute(otomi, 'nav.jobs', 'ot', makeWebm(42))).status).toBe(422)
    expect((await contribute(otomi, 'nav.jobs', 'ot', makeWav(20, { sampleRate: 64000 }))).status).toBe(413)
    expect(await clipsOf('nav.jobs')).toEqual([])
  })

  test('signed out, contributing sends you to log in; a bad target or language is refused', async () => {
    const res = await contribute(anon, 'browse.title', 'ot', makeWav(1))
    expect(res.status).toBe(303)
    expect(res.location).toMatch(/^\/login\?next=/)
    expect((await contribute(otomi, '<script>', 'ot', makeWav(1))).status).toBe(422)
    expect((await contribute(otomi, 'browse.title', 'klingon', makeWav(1))).status).toBe(422)
  })

  test('the contribute page leads back to the page the person came from, never off-site', async () => {
    await otomi.get('/audio/contribute?target=jobs.title_field&next=%2Fjobs%2Fnew')
    const sent = await otomi.postMultipart('/audio/contribute', { target: 'jobs.title_field', language: 'ot', audio: makeWav(1), next: '/jobs/new' })
    expect(sent.location).toBe('/audio/contribute?target=jobs.title_field&sent=1&next=%2Fjobs%2Fnew')
    expect((await otomi.get(sent.location!)).html).toContain('href="/jobs/new" data-audio-slug="audio.back"')
    const evil = await otomi.get('/audio/contribute?target=jobs.title_field&next=%2F%2Fevil.example')
    expect(evil.html).not.toContain('data-audio-slug="audio.back"')
    expect((await otomi.post('/audio/requests', { target: 'jobs.title_field', language: 'qu', next: 'https://evil.example' })).location).toBe(
      '/audio/contribute?target=jobs.title_field&asked=1'
    )
  })

  test('the contribute page shows the words of a label, or says it only knows the page text', async () => {
    expect((await anon.get('/audio/contribute?target=browse.title')).html).toContain('data-audio-slug="browse.title">Trabajos disponibles<')
    for (const target of ['nav', 'made.up.slug']) {
      const html = (await anon.get(`/audio/contribute?target=${target}`)).html
      expect(html).toContain(`Texto de la página: ${target}`)
      expect(html).not.toContain('returned an object')
    }
  })

  test("a draft job's fields cannot be recorded or even looked at by others", async () => {
    expect((await otomi.get(`/audio/contribute?target=job.${draftId}.title`)).status).toBe(404)
    expect((await contribute(otomi, `job.${draftId}.title`, 'ot', makeWav(1))).status).toBe(404)
    expect((await admin.get(`/audio/contribute?target=job.${draftId}.title`)).status).toBe(200)
  })
})

describe('only admins review', () => {
  test('the queue and its actions are 404 for everyone else', async () => {
    const [clip] = await clipsOf('browse.title')
    for (const agent of [anon, otomi]) {
      expect((await agent.get('/admin/audio')).status).toBe(404)
      expect((await agent.post(`/admin/audio/${clip!.id}/publish`)).status).toBe(404)
      expect((await agent.post(`/admin/audio/${clip!.id}/reject`)).status).toBe(404)
    }
    expect((await clipsOf('browse.title'))[0]!.status).toBe('needs_review')
  })

  test('a clip under review is heard by its contributor and admins only', async () => {
    const [clip] = await clipsOf('browse.title')
    expect((await anon.get(`/audio/clips/${clip!.id}`)).status).toBe(404)
    expect((await spanish.get(`/audio/clips/${clip!.id}`)).status).toBe(404)
    expect((await otomi.get(`/audio/clips/${clip!.id}`)).status).toBe(200)
    const forAdmin = await admin.get(`/audio/clips/${clip!.id}`)
    expect(forAdmin.status).toBe(200)
    expect(forAdmin.headers.get('content-type')).toBe('audio/wav')
  })

  test('the admin lists, listens to and publishes it', async () => {
    const queue = await admin.get('/admin/audio')
    expect(queue.status).toBe(200)
    const [clip] = await clipsOf('browse.title')
    expect(queue.html).toContain(`data-clip="${clip!.id}"`)
    expect(queue.html).toContain(`src="/audio/clips/${clip!.id}"`)
    expect(queue.html).toContain('hnahnu')
    const otomiCount = (html: string) => Number(/data-coverage="[^"]*\bot:(\d+)/.exec(html)?.[1] ?? 0)
    const before = otomiCount(queue.html)
    await publishLatest('browse.title', 'ot')
    expect(otomiCount((await admin.get('/admin/audio')).html)).toBe(before + 1)
    expect((await clipsOf('browse.title'))[0]!.status).toBe('ready')
    expect((await anon.get(`/audio/clips/${clip!.id}`)).status).toBe(200)
    expect((await admin.post(`/admin/audio/${clip!.id}/publish`)).status).toBe(409)
  })

  test('a rejected clip is never heard', async () => {
    await contribute(spanish, 'nav.dashboard', 'es', makeWav(1))
    const [clip] = await clipsOf('nav.dashboard')
    await admin.get('/admin/audio')
    expect((await admin.post(`/admin/audio/${clip!.id}/reject`)).status).toBe(303)
    expect((await clipsOf('nav.dashboard'))[0]!.status).toBe('rejected')
    expect((await anon.get(`/audio/clips/${clip!.id}`)).status).toBe(404)
  })
})

describe('fallback: audio language → Spanish → English, else speech synthesis', () => {
  test('after publishing, the Otomi speaker hears Otomi; others hear synthesis until Spanish exists', async () => {
    const [ot] = await clipsOf('browse.title')
    expect(speaker((await otomi.get('/jobs')).html, 'browse.title')).toEqual({ clip: ot!.id, lang: 'ot' })
    expect(speaker((await spanish.get('/jobs')).html, 'browse.title')).toEqual({ clip: null, lang: null })
    expect(speaker((await anon.get('/jobs')).html, 'browse.title')).toEqual({ clip: null, lang: null })
  })

  test('with a Spanish recording, Spanish and English speakers without it fall back to Spanish', async () => {
    await contribute(spanish, 'browse.title', 'es', makeWav(1))
    const es = await publishLatest('browse.title', 'es')
    expect(speaker((await spanish.get('/jobs')).html, 'browse.title')).toEqual({ clip: es, lang: 'es' })
    expect(speaker((await english.get('/jobs')).html, 'browse.title')).toEqual({ clip: es, lang: 'es' })
    expect(speaker((await otomi.get('/jobs')).html, 'browse.title')?.lang).toBe('ot')
  })

  test('English after Spanish; an English interface prefers English', async () => {
    await contribute(english, 'nav.jobs', 'en', makeWav(1))
    const en = await publishLatest('nav.jobs', 'en')
    // The contribute page shows the target's own speaker too.
    expect(speaker((await spanish.get('/audio/contribute?target=browse.title')).html, 'browse.title')?.lang).toBe('es')
    const html = (await otomi.get('/audio/contribute?target=nav.jobs')).html
    expect(speaker(html, 'nav.jobs')).toEqual({ clip: en, lang: 'en' })
    await contribute(spanish, 'browse.title', 'en', makeWav(1))
    await publishLatest('browse.title', 'en')
    expect(speaker((await english.get('/jobs')).html, 'browse.title')?.lang).toBe('en')
    expect(speaker((await spanish.get('/jobs')).html, 'browse.title')?.lang).toBe('es')
  })

  test('a chosen audio language comes first, signed in or not', async () => {
    await contribute(otomi, 'browse.title', 'nah', makeWav(1))
    await publishLatest('browse.title', 'nah')
    const visitor = new Agent(base)
    await visitor.get('/audio')
    const res = await visitor.post('/audio/language', { language: 'nah', next: '/jobs' })
    expect(res.location).toBe('/jobs')
    expect(speaker((await visitor.get('/jobs')).html, 'browse.title')?.lang).toBe('nah')
    // No off-site redirect from either switch.
    expect((await visitor.post('/audio/language', { language: 'nah', next: '//evil.example/x' })).location).toBe('/audio')
    expect((await visitor.post('/language', { lang: 'en', next: 'https://evil.example/' })).location).toBe('/')
  })

  test('publishing again replaces the clip heard in that language', async () => {
    const before = (await clipsOf('browse.title')).find((c) => c.language === 'ot' && c.status === 'ready')!
    await contribute(otomi, 'browse.title', 'ot', makeWav(2))
    const after = await publishLatest('browse.title', 'ot')
    expect(speaker((await otomi.get('/jobs')).html, 'browse.title')).toEqual({ clip: after, lang: 'ot' })
    expect((await clipsOf('browse.title')).find((c) => c.id === before.id)!.status).toBe('replaced')
  })

  test("a job's title and description carry their own recordings", async () => {
    await contribute(otomi, `job.${jobId}.description`, 'ot', makeWav(1))
    const clip = await publishLatest(`job.${jobId}.description`, 'ot')
    const page = (await otomi.get(`/jobs/${jobId}`)).html
    expect(speaker(page, `job.${jobId}.description`)).toEqual({ clip, lang: 'ot' })
    expect(speaker(page, `job.${jobId}.title`)).toEqual({ clip: null, lang: null })
    expect(speaker((await otomi.get('/jobs')).html, `job.${jobId}.title`)).toEqual({ clip: null, lang: null })
  })

  test("editing a job's description sends its recording back to review; the title's stays", async () => {
    await contribute(otomi, `job.${jobId}.title`, 'ot', makeWav(1))
    const title = await publishLatest(`job.${jobId}.title`, 'ot')
    const description = (await clipsOf(`job.${jobId}.description`)).find((c) => c.status === 'ready')!.id
    await admin.get(`/jobs/${jobId}/edit`)
    const edited = await admin.postMultipart(`/jobs/${jobId}/edit`, jobFields({ title: 'Trabajo 0', description: 'Grabar un cuento largo' }))
    expect(edited.status).toBe(303)
    const page = (await otomi.get(`/jobs/${jobId}`)).html
    expect(speaker(page, `job.${jobId}.title`)).toEqual({ clip: title, lang: 'ot' })
    expect(speaker(page, `job.${jobId}.description`)).toEqual({ clip: null, lang: null })
    const queue = (await admin.get('/admin/audio')).html
    expect(queue).toContain(`data-clip="${description}"`)
    // The reviewer sees the job's current words next to the take, to judge if it still fits.
    expect(queue).toContain('<strong>Grabar un cuento largo</strong>')
    await admin.post(`/admin/audio/${description}/publish`)
    expect(speaker((await otomi.get(`/jobs/${jobId}`)).html, `job.${jobId}.description`)).toEqual({ clip: description, lang: 'ot' })
  })

  test('draft clips are never served', async () => {
    const [ready] = (await clipsOf('browse.title')).filter((c) => c.status === 'ready' && c.language === 'ot')
    const [draft] = await database.db
      .insert(audioClips)
      .values({ target: 'browse.submit', language: 'ot', status: 'draft', mediaId: ready!.mediaId })
      .returning()
    expect((await anon.get(`/audio/clips/${draft!.id}`)).status).toBe(404)
    expect(speaker((await otomi.get('/jobs')).html, 'browse.submit')).toEqual({ clip: null, lang: null })
  })
})

describe('withdrawing a published clip', () => {
  test('only an admin can, and from then on the next language in the chain is heard', async () => {
    const [nah] = (await clipsOf('browse.title')).filter((c) => c.language === 'nah' && c.status === 'ready')
    const listener = new Agent(base)
    await listener.get('/audio')
    await listener.post('/audio/language', { language: 'nah', next: '/jobs' })
    expect(speaker((await listener.get('/jobs')).html, 'browse.title')?.lang).toBe('nah')
    expect((await otomi.post(`/admin/audio/${nah!.id}/withdraw`)).status).toBe(404)
    const queue = await admin.get('/admin/audio')
    expect(queue.html).toContain(`data-published="${nah!.id}"`)
    expect((await admin.post(`/admin/audio/${nah!.id}/withdraw`)).location).toBe('/admin/audio?done=withdrawn')
    expect(speaker((await listener.get('/jobs')).html, 'browse.title')?.lang).toBe('es')
    expect((await anon.get(`/audio/clips/${nah!.id}`)).status).toBe(404)
    expect((await admin.post(`/admin/audio/${nah!.id}/withdraw`)).status).toBe(409)
  })
})

describe('two admins at once', () => {
  test('publishing two takes of the same target and language together leaves exactly one heard', async () => {
    await contribute(otomi, 'jobs.dialect', 'ot', makeWav(1))
    await contribute(spanish, 'jobs.dialect', 'ot', makeWav(1.2))
    const takes = await clipsOf('jobs.dialect')
    const [reviewer] = await database.db.select().from(users).where(eq(users.username, 'audio_admin'))
    const results = await Promise.all(takes.map((c) => web.services.audio.publish(reviewer!, c.id)))
    expect(results.every((r) => typeof r !== 'string')).toBe(true)
    const after = await clipsOf('jobs.dialect')
    expect(after.filter((c) => c.status === 'ready')).toHaveLength(1)
    expect(after.filter((c) => c.status === 'replaced')).toHaveLength(1)
  })
})

describe('another web process', () => {
  test('sees a publish once its cached entry is older than the TTL', async () => {
    let clock = 1_000_000
    const other = createAudioService({
      db: database.db,
      media: web.services.media,
      logger: createLogger({ level: 'silent' }),
      maxBytes: 1_000_000,
      cacheTtlMs: 60_000,
      now: () => clock
    })
    expect((await other.resolve(['jobs.people'], ['ot', 'es'])).size).toBe(0)
    await contribute(otomi, 'jobs.people', 'ot', makeWav(1))
    const clip = await publishLatest('jobs.people', 'ot')
    expect((await other.resolve(['jobs.people'], ['ot', 'es'])).size).toBe(0)
    clock += 60_001
    expect((await other.resolve(['jobs.people'], ['ot', 'es'])).get('jobs.people')).toEqual({ clipId: clip, language: 'ot' })
  })
})

describe('when the audio lookup fails', () => {
  test('the page is still served, every speaker falling back to speech synthesis', async () => {
    const audio = web.services.audio
    const resolve = audio.resolve
    audio.resolve = () => Promise.reject(new Error('database went away'))
    try {
      const res = await otomi.get('/jobs')
      expect(res.status).toBe(200)
      expect(speaker(res.html, 'browse.title')).toEqual({ clip: null, lang: null })
    } finally {
      audio.resolve = resolve
    }
    expect(speaker((await otomi.get('/jobs')).html, 'browse.title')?.lang).toBe('ot')
  })
})

describe('never silent', () => {
  test('without a voice on the phone: the recorded "not recorded yet" in your language, else a generic sound', async () => {
    const generic = await anon.get('/audio/fallback')
    expect(generic.status).toBe(200)
    expect(generic.headers.get('content-type')).toBe('audio/wav')
    await contribute(otomi, 'common.not_recorded', 'ot', makeWav(1))
    const clip = await publishLatest('common.not_recorded', 'ot')
    const forOtomi = await otomi.get('/audio/fallback')
    expect(forOtomi.status).toBe(302)
    expect(forOtomi.location).toBe(`/audio/clips/${clip}`)
    expect((await spanish.get('/audio/fallback')).status).toBe(200)
  })
})

describe('requests for missing audio', () => {
  test('anyone may ask; asking twice keeps one request; publishing closes only that language', async () => {
    await anon.get('/audio/contribute?target=jobs.amount')
    expect((await anon.post('/audio/requests', { target: 'jobs.amount', language: 'maz' })).status).toBe(303)
    await spanish.get('/audio/contribute?target=jobs.amount')
    await spanish.post('/audio/requests', { target: 'jobs.amount', language: 'maz' })
    await spanish.post('/audio/requests', { target: 'jobs.amount', language: 'qu' })
    const open = () =>
      database.db
        .select()
        .from(audioRequests)
        .where(and(eq(audioRequests.target, 'jobs.amount')))
    expect((await open()).filter((r) => !r.closedAt).map((r) => r.language).sort()).toEqual(['maz', 'qu'])
    const queue = await admin.get('/admin/audio')
    expect(queue.html).toContain('jobs.amount')
    expect((await anon.get('/audio')).html).toContain('href="/audio/contribute?target=jobs.amount"')
    await contribute(otomi, 'jobs.amount', 'maz', makeWav(1))
    const clip = await publishLatest('jobs.amount', 'maz')
    const rows = await open()
    expect(rows.find((r) => r.language === 'maz')).toMatchObject({ closedByClipId: clip })
    expect(rows.find((r) => r.language === 'maz')!.closedAt).not.toBeNull()
    expect(rows.find((r) => r.language === 'qu')!.closedAt).toBeNull()
    // Asking again for what now exists opens a fresh request (a better recording may be wanted).
    const page = await anon.get('/audio/contribute?target=jobs.amount')
    expect(page.html).toContain('data-open-requests="qu"')
  })
})
