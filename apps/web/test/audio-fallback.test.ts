/**
 * Which recording a listener hears: their audio language, then Spanish, then English, else speech
 * synthesis; a chosen audio language first; replaced, withdrawn and draft clips; a job's own fields; and
 * pages still served when the lookup fails. Contributions and review: audio.test.ts.
 */
import { beforeAll, describe, expect, test } from 'vitest'
import { Agent, jobFields } from './helpers.ts'
import { makeWav } from './audio-fixtures.ts'
import { admin, anon, clipsOf, contribute, english, jobId, otomi, publishLatest, spanish, speaker, t, useAudioWeb } from './audio-setup.ts'
import { audioClips } from '../src/audio/model.ts'

useAudioWeb()

// The Otomi speaker's take of the browse title, reviewed and published (as audio.test.ts's review does).
beforeAll(async () => {
  await contribute(otomi, 'browse.title', 'ot', makeWav(1.5))
  await publishLatest('browse.title', 'ot')
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
    const visitor = new Agent(t.baseUrl)
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
    const [draft] = await t.database.db
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
    const listener = new Agent(t.baseUrl)
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

describe('when the audio lookup fails', () => {
  test('the page is still served, every speaker falling back to speech synthesis', async () => {
    const audio = t.web.services.audio
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
