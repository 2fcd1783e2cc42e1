import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { randomBytes } from 'node:crypto'
import { readdir } from 'node:fs/promises'
import { join } from 'node:path'
import { eq } from 'drizzle-orm'
import { Agent, SAMPLE, jobFields, selectFundAndStart, signUp, startTestWeb, type TestWeb } from './helpers.ts'
import { jobs } from '../src/jobs/model.ts'
import { media } from '../src/media/model.ts'

let t: TestWeb
let a: Agent
let b: Agent
let creator: Agent
const ids: Record<string, string> = {}

beforeAll(async () => {
  t = await startTestWeb({ maxUploadBytes: 50_000 })
  ;[a, b, creator] = await signUp(t.baseUrl, ['owner_a', 'funder'], ['other_b', 'both'], ['creator_c', 'creator'])
  await a.postMultipart('/jobs', jobFields({ title: 'Private draft', action: 'draft' }))
  await a.postMultipart('/jobs', jobFields({ title: 'Public job', recruitLimit: '1', maxResponses: '1', submitLimit: '1' }))
  const all = await t.database.db.select().from(jobs)
  ids.draft = all.find((j) => j.title === 'Private draft')!.id
  ids.job = all.find((j) => j.title === 'Public job')!.id
  await creator.postMultipart(`/jobs/${ids.job}/apply`, { note: 'hola', audio: SAMPLE.mp3 })
  // Work starts only on money in escrow.
  const work = await selectFundAndStart(t, a, ids.job, 'https://wallet.test/a')
  ids.application = work.application
  ids.funding = work.funding.id
  await creator.postMultipart(`/jobs/${ids.job}/submission`, { text: 'secret work', audio: SAMPLE.mp3, action: 'submit' })
  ids.submission = /data-submission="([^"]+)"/.exec((await a.get(`/jobs/${ids.job}`)).html)![1]!
  const files = await t.database.db.select().from(media)
  ids.applicationMedia = files.find((f) => f.purpose === 'application')!.id
  ids.submissionMedia = files.find((f) => f.purpose === 'submission')!.id
})
afterAll(() => t.close())

describe("user B gets 404 for user A's private things", () => {
  test.each([
    ['draft job page', () => `/jobs/${ids.draft}`],
    ['draft edit form', () => `/jobs/${ids.draft}/edit`],
    ['application file', () => `/media/${ids.applicationMedia}`],
    ['submission file', () => `/media/${ids.submissionMedia}`],
    ['payment status', () => `/jobs/${ids.job}/funding/${ids.funding}/status`],
    ['payment return', () => `/jobs/${ids.job}/funding/${ids.funding}/return`]
  ])('%s', async (_name, path) => {
    expect((await b.get(path())).status).toBe(404)
  })

  test.each([
    ['publish the draft', () => `/jobs/${ids.draft}/publish`, {}],
    ['cancel the job', () => `/jobs/${ids.job}/cancel`, {}],
    ['select an application', () => `/applications/${ids.application}/decide`, { state: 'rejected' }],
    ['accept a submission', () => `/submissions/${ids.submission}/accept`, {}],
    ['decline a submission', () => `/submissions/${ids.submission}/decline`, {}],
    ['fund the job', () => `/jobs/${ids.job}/funding`, {}]
  ])('cannot %s', async (_name, path, fields) => {
    expect((await b.post(path(), fields)).status).toBe(404)
  })

  test("the owner's job page shows applications and submissions; B's view of it does not", async () => {
    const forB = await b.get(`/jobs/${ids.job}`)
    expect(forB.status).toBe(200)
    expect(forB.html).not.toContain('secret work')
    expect(forB.html).not.toContain('data-application=')
    expect((await a.get(`/jobs/${ids.job}`)).html).toContain('secret work')
  })

  test('the owner and the creator can read the files; anonymous cannot', async () => {
    expect((await a.get(`/media/${ids.submissionMedia}`)).status).toBe(200)
    const own = await creator.get(`/media/${ids.submissionMedia}`)
    expect(own.status).toBe(200)
    expect(own.headers.get('content-type')).toBe('audio/mpeg')
    expect((await new Agent(t.baseUrl).get(`/media/${ids.submissionMedia}`)).status).toBe(404)
  })

  test('B gets nothing for made-up ids', async () => {
    expect((await b.get('/jobs/not-a-uuid')).status).toBe(404)
    expect((await b.get('/media/00000000-0000-0000-0000-000000000000')).status).toBe(404)
  })
})

describe('uploads are checked by content, not by name', () => {
  test('a program disguised as audio is refused and nothing is stored', async () => {
    const before = (await t.database.db.select().from(media)).length
    const res = await b.postMultipart('/profile', { displayName: 'B', roles: 'creator', preferredLanguage: 'es', audio: SAMPLE.exe })
    expect(res.status).toBe(415)
    expect(res.html).toContain('Ese tipo de archivo no se acepta aquí.')
    expect((await t.database.db.select().from(media)).length).toBe(before)
  })

  test('an image where audio is expected is refused', async () => {
    expect((await b.postMultipart('/profile', { displayName: 'B', roles: 'creator', preferredLanguage: 'es', audio: SAMPLE.png })).status).toBe(415)
  })

  test('a file over the size limit is refused as it streams: the clear error, nothing stored, no temporary file left', async () => {
    const rows = (await t.database.db.select().from(media)).length
    // 40 times the limit (50 KB): cut off at the limit while it streams to a temporary file (http/spool.ts).
    const big = Buffer.concat([SAMPLE.mp3, Buffer.alloc(2_000_000)])
    const res = await b.postMultipart('/profile', { displayName: 'B', roles: 'creator', preferredLanguage: 'es', audio: big })
    expect(res.status).toBe(413)
    expect(res.html).toContain('El archivo es demasiado grande.')
    expect((await t.database.db.select().from(media)).length).toBe(rows)
    await expect.poll(() => readdir(join(t.config.uploadDir, 'incoming'))).toEqual([])
    // A file under the limit is stored from its temporary file, byte for byte, and the temporary file goes.
    const fits = Buffer.concat([SAMPLE.mp3, randomBytes(40_000)])
    expect((await b.postMultipart('/profile', { displayName: 'B', roles: 'creator', preferredLanguage: 'es', audio: fits })).status).toBe(303)
    const [profile] = await t.database.db.select().from(media).where(eq(media.sizeBytes, fits.length))
    expect(Buffer.from(await (await fetch(`${t.baseUrl}/media/${profile!.id}`, { headers: { cookie: b.cookieHeader() } })).arrayBuffer()).equals(fits)).toBe(true)
    await expect.poll(() => readdir(join(t.config.uploadDir, 'incoming'))).toEqual([])
  })

  test('a job reference may be audio, video or image, recognised by content', async () => {
    const res = await a.postMultipart('/jobs', { ...jobFields({ title: 'With picture' }), reference: SAMPLE.png })
    expect(res.status).toBe(303)
    const page = await new Agent(t.baseUrl).get(res.location!.split('?')[0]!)
    expect(page.html).toMatch(/<img src="\/media\/[0-9a-f-]+"/)
    expect((await a.postMultipart('/jobs', { ...jobFields({ title: 'With program' }), reference: SAMPLE.exe })).status).toBe(415)
  })

  test('a binary file is not a text file', async () => {
    const service = t.web.services.media
    expect(await service.sniff('text', SAMPLE.png)).toBe('file_type')
    expect(await service.sniff('text', Buffer.from([0xc3, 0x28]))).toBe('file_type')
    expect(await service.sniff('text', SAMPLE.text)).toBe('text/plain; charset=utf-8')
    expect(await service.sniff('image', SAMPLE.png)).toBe('image/png')
  })
})

describe('someone who may not hand in or apply sends files: nothing is stored', () => {
  const objects = async () => {
    const keys: string[] = []
    for await (const o of t.web.services.store.list()) keys.push(o.key)
    return keys.sort()
  }

  test.each([
    // B was never selected for the job; the owner may not apply to her own job; nobody applies once work started.
    ['a stranger hands in work', () => b, () => `/jobs/${ids.job}/submission`, { text: 'mine', action: 'submit' }, 403, 'not_selected'],
    ['the owner applies to her own job', () => a, () => `/jobs/${ids.job}/apply`, { note: 'me' }, 403, 'own_job'],
    ['someone applies to a job whose work has started', () => creator, () => `/jobs/${ids.job}/apply`, { note: 'again' }, 409, 'not_recruiting']
  ])('%s', async (_name, who, path, fields, status, code) => {
    const rows = (await t.database.db.select().from(media)).length
    const before = await objects()
    const res = await who().postMultipart(path(), { ...fields, audio: SAMPLE.mp3, image: SAMPLE.png })
    expect(res.status).toBe(status)
    expect(res.html).toContain(`data-error="${code}"`)
    expect((await t.database.db.select().from(media)).length).toBe(rows)
    expect(await objects()).toEqual(before)
  })
})

// A refused form keeps the good files as the person's drafts (sent again by id, issue 11), never a refused one.
describe('a refused form keeps the good files, never a refused one', () => {
  const count = async () => (await t.database.db.select().from(media)).length

  test('profile with a wallet that is not one', async () => {
    t.payments.wallets.add('https://wallet.test/the-only-one')
    try {
      const before = await count()
      const res = await b.postMultipart('/profile', { displayName: 'B', roles: 'creator', preferredLanguage: 'es', walletAddress: 'https://wallet.test/nope', audio: SAMPLE.mp3, image: SAMPLE.png })
      expect(res.status).toBe(422)
      expect(await count()).toBe(before + 2)
      expect(res.html).toContain('name="audioKept"')
      expect(res.html).toContain('name="imageKept"')
    } finally {
      t.payments.wallets.clear()
    }
  })

  test('profile with a good audio and a bad image', async () => {
    const before = await count()
    const res = await b.postMultipart('/profile', { displayName: 'B', roles: 'creator', preferredLanguage: 'es', audio: SAMPLE.mp3, image: SAMPLE.exe })
    expect(res.status).toBe(415)
    expect(await count()).toBe(before + 1)
    expect(res.html).toContain('name="audioKept"')
  })

  test('new job and edited job with bad dates', async () => {
    const before = await count()
    const res = await a.postMultipart('/jobs', { ...jobFields({ title: 'Bad dates', recruitDeadline: '2000-01-01' }), reference: SAMPLE.png })
    expect(res.status).toBe(422)
    expect(await count()).toBe(before + 1)
    expect(res.html).toContain('name="referenceKept"')
    const edit = await a.postMultipart(`/jobs/${ids.draft}/edit`, { ...jobFields({ title: 'Private draft', expiresAt: '2000-01-01', action: 'draft' }), reference: SAMPLE.png })
    expect(edit.status).toBe(422)
    expect(await count()).toBe(before + 2)
  })

  test('submission with a good text file and a bad audio, and an empty submission', async () => {
    await a.postMultipart('/jobs', jobFields({ title: 'Refused submission', recruitLimit: '1', maxResponses: '1', submitLimit: '1' }))
    const j = (await t.database.db.select().from(jobs)).find((x) => x.title === 'Refused submission')!
    const c = new Agent(t.baseUrl)
    await c.register('creator_refused', 'creator')
    await c.postMultipart(`/jobs/${j.id}/apply`, { note: 'hola' })
    expect((await selectFundAndStart(t, a, j.id)).started.status).toBe(303)
    const before = await count()
    const bad = await c.postMultipart(`/jobs/${j.id}/submission`, { text: '', textFile: SAMPLE.text, audio: SAMPLE.exe, action: 'submit' })
    expect(bad.status).toBe(415)
    expect(await count()).toBe(before + 1)
    expect(bad.html).toContain('name="textFileKept"')
    const empty = await c.postMultipart(`/jobs/${j.id}/submission`, { text: '  ', action: 'submit' })
    expect(empty.status).toBe(422)
    expect(await count()).toBe(before + 1)
  })
})

describe('job reference files', () => {
  test('anyone can open the reference of a published job; nobody but its owner that of a draft', async () => {
    const published = await a.postMultipart('/jobs', { ...jobFields({ title: 'Reference public' }), reference: SAMPLE.png })
    const draft = await a.postMultipart('/jobs', { ...jobFields({ title: 'Reference draft', action: 'draft' }), reference: SAMPLE.mp3 })
    const all = await t.database.db.select().from(jobs)
    const pub = all.find((j) => j.title === 'Reference public')!
    const dra = all.find((j) => j.title === 'Reference draft')!
    expect(published.status).toBe(303)
    expect(draft.status).toBe(303)
    const anonymous = new Agent(t.baseUrl)
    for (const viewer of [anonymous, b, creator, a]) {
      const res = await viewer.get(`/media/${pub.referenceMediaId!}`)
      expect(res.status).toBe(200)
      expect(res.headers.get('content-type')).toBe('image/png')
    }
    for (const viewer of [anonymous, b, creator]) expect((await viewer.get(`/media/${dra.referenceMediaId!}`)).status).toBe(404)
    expect((await a.get(`/media/${dra.referenceMediaId!}`)).status).toBe(200)
    await a.post(`/jobs/${dra.id}/publish`)
    expect((await anonymous.get(`/media/${dra.referenceMediaId!}`)).status).toBe(200)
  })
})

describe('no open redirect after login', () => {
  test('`next` hiding a tab, newline, backslash or scheme sends to a local page', async () => {
    const v = new Agent(t.baseUrl)
    const page = await v.get('/login?next=/%09/evil.com')
    expect(/action="\/login"[^]*?name="next" value="([^"]*)"/.exec(page.html)![1]).toBe('/dashboard')
    for (const next of ['/\t/evil.com', '/\n/evil.com', '/\r\n/evil.com', '/\\evil.com', '/\t\\evil.com', '/\x00/evil.com', '/\x0b/evil.com', '//evil.com', 'https://evil.com', ' /evil.com']) {
      const res = await v.post('/login', { username: 'other_b', password: 'secret123', next })
      expect(res.status).toBe(303)
      expect(res.location, JSON.stringify(next)).toBe('/dashboard')
      await v.post('/logout')
    }
    const local = await v.post('/login', { username: 'other_b', password: 'secret123', next: '/jobs?q=evil.com' })
    expect(local.location).toBe('/jobs?q=evil.com')
  })
})

describe('CSRF on every state change', () => {
  test('job creation without the token is refused', async () => {
    const res = await a.post('/jobs', { ...jobFields({ title: 'No token' }), _csrf: '' })
    expect(res.status).toBe(403)
    expect(await t.database.db.select().from(jobs).where(eq(jobs.title, 'No token'))).toHaveLength(0)
  })

  test("another user's token does not work", async () => {
    await b.get('/')
    const res = await a.post(`/jobs/${ids.draft}/publish`, { _csrf: b.csrf })
    expect(res.status).toBe(403)
  })
})
