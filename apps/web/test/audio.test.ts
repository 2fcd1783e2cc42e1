/**
 * Community audio (the speaker buttons): contributions checked by content, review by admins only, the
 * cost of a page's audio (one query, then memory), other processes, the fallback sound and requests for
 * missing audio. Which recording a listener hears: audio-fallback.test.ts.
 */
import { describe, expect, test } from 'vitest'
import { and, eq } from 'drizzle-orm'
import { createLogger } from '@voces/platform'
import { SAMPLE } from './helpers.ts'
import { makeWav, makeWebm } from './audio-fixtures.ts'
import { admin, anon, audioQueries, clipsOf, contribute, draftId, otomi, publishLatest, spanish, speaker, t, useAudioWeb } from './audio-setup.ts'
import { audioClips, audioRequests } from '../src/audio/model.ts'
import { createAudioService } from '../src/audio/service.ts'
import { users } from '../src/domain/user.ts'
import { jobs } from '../src/jobs/model.ts'
import { media } from '../src/media/model.ts'

useAudioWeb()

describe('setup', () => {
  test('the Otomi speaker has Otomi in their profile', async () => {
    const [u] = await t.database.db.select().from(users).where(eq(users.username, 'hnahnu'))
    expect(u!.nativeLanguages).toEqual(['ot'])
  })
})

describe('all the audio of a page in one query, then from memory', () => {
  test('a page with many speakers costs two audio queries cold (its shared list, the rest), none warm, one after a publish', async () => {
    // Nothing has been rendered yet: every target of the browse page (12 job titles, labels) is cold.
    const other = (await t.database.db.select().from(jobs)).find((j) => j.title === 'Trabajo 7')!.id
    audioQueries.count = 0
    const page = await anon.get('/jobs')
    const speakers = new Set([...page.html.matchAll(/class="speak" data-speak="([^"]+)"/g)].map((m) => m[1]))
    expect(speakers.size).toBeGreaterThan(15)
    // Two: the list of jobs is rendered on its own (once, shared by everyone who reads it alike:
    // http/public-pages.ts), after its rows are read; the rest of the page in the same pass as before.
    expect(audioQueries.count).toBe(2)
    audioQueries.count = 0
    await anon.get(`/jobs/${other}`)
    expect(audioQueries.count).toBe(1)
    audioQueries.count = 0
    await anon.get(`/jobs/${other}`)
    await anon.get('/jobs')
    expect(audioQueries.count).toBe(0)
    await contribute(otomi, `job.${other}.title`, 'ot', makeWav(1))
    await publishLatest(`job.${other}.title`, 'ot')
    audioQueries.count = 0
    expect(speaker((await otomi.get(`/jobs/${other}`)).html, `job.${other}.title`)?.lang).toBe('ot')
    expect(audioQueries.count).toBe(1)
  })
})

describe('contributions are checked by content', () => {
  test('a generated WAV is accepted and waits for review; nothing is heard yet', async () => {
    const res = await contribute(otomi, 'browse.title', 'ot', makeWav(1.5))
    expect(res.status).toBe(303)
    expect(res.location).toBe('/audio/contribute?target=browse.title&sent=1')
    const [clip] = await clipsOf('browse.title')
    expect(clip).toMatchObject({ language: 'ot', status: 'needs_review', durationMs: 1500 })
    const [file] = await t.database.db.select().from(media).where(eq(media.id, clip!.mediaId))
    expect(file!.mime).toBe('audio/wav')
    expect(speaker((await otomi.get('/jobs')).html, 'browse.title')).toEqual({ clip: null, lang: null })
  })

  test('a WebM (what browsers record) is accepted as audio, its length read from the clusters', async () => {
    expect((await contribute(otomi, 'browse.language', 'ot', makeWebm(3))).status).toBe(303)
    const [clip] = await clipsOf('browse.language')
    expect(clip!.durationMs).toBe(2980)
    const [file] = await t.database.db.select().from(media).where(eq(media.id, clip!.mediaId))
    expect(file!.mime).toBe('audio/webm')
  })

  test('a text file renamed to .wav is refused, and so is an executable', async () => {
    const before = (await t.database.db.select().from(audioClips)).length
    expect((await contribute(otomi, 'browse.title', 'ot', SAMPLE.text)).status).toBe(415)
    expect((await contribute(otomi, 'browse.title', 'ot', SAMPLE.exe)).status).toBe(415)
    expect((await t.database.db.select().from(audioClips)).length).toBe(before)
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

describe('two admins at once', () => {
  test('publishing two takes of the same target and language together leaves exactly one heard', async () => {
    await contribute(otomi, 'jobs.dialect', 'ot', makeWav(1))
    await contribute(spanish, 'jobs.dialect', 'ot', makeWav(1.2))
    const takes = await clipsOf('jobs.dialect')
    const [reviewer] = await t.database.db.select().from(users).where(eq(users.username, 'audio_admin'))
    const results = await Promise.all(takes.map((c) => t.web.services.audio.publish(reviewer!, c.id)))
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
      db: t.database.db,
      media: t.web.services.media,
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
      t.database.db
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
