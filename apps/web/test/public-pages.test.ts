import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { brotliDecompressSync, gunzipSync } from 'node:zlib'
import { request } from 'node:http'
import { eq } from 'drizzle-orm'
import { createTestClock } from '@voces/platform'
import { jobs } from '../src/jobs/model.ts'
import { Agent, jobFields, startTestWeb, type TestWeb } from './helpers.ts'

// Public pages (browse, search, a job, home) for visitors without a session are rendered once and served
// from memory for a few seconds (http/public-pages.ts, issue 14). What must hold: nobody's own things reach
// anyone else, a change answered here shows at once, another process's within the TTL, every encoding says
// the same, and the language switch still works (and is still protected) on pages that carry no token.
let t: TestWeb
let funder: Agent
let jobId: string
const clock = createTestClock()

beforeAll(async () => {
  t = await startTestWeb({}, { clock })
  funder = new Agent(t.baseUrl)
  await funder.register('public_funder', 'funder')
  const created = await funder.postMultipart('/jobs', jobFields({ title: 'Cuento del maíz' }))
  jobId = /\/jobs\/([0-9a-f-]+)/.exec(created.location ?? '')![1]!
}, 60_000)

afterAll(async () => {
  await t?.close()
})

/** Renames the job behind the app's back, as another process on the same database would. */
const renameElsewhere = (title: string) => t.database.db.update(jobs).set({ title }).where(eq(jobs.id, jobId))

/** The bytes as sent (fetch would decompress them), with their content-encoding. */
function raw(path: string, encoding: string): Promise<{ encoding: string | undefined; body: Buffer }> {
  return new Promise((resolve, reject) => {
    request(`${t.baseUrl}${path}`, { headers: { 'accept-encoding': encoding } }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => chunks.push(c))
      res.on('end', () => resolve({ encoding: res.headers['content-encoding'], body: Buffer.concat(chunks) }))
    })
      .on('error', reject)
      .end()
  })
}

async function anonymous(path: string, headers: Record<string, string> = {}) {
  const res = await fetch(`${t.baseUrl}${path}`, { headers })
  return { status: res.status, html: await res.text(), headers: res.headers }
}

describe('public pages for visitors without a session', () => {
  it('are served from memory: another process’s change shows once the TTL is over', async () => {
    for (const path of ['/jobs', `/jobs/${jobId}`]) {
      clock.advance(t.config.publicPageTtlMs)
      expect((await anonymous(path)).html).toContain('Cuento del maíz')
      await renameElsewhere('Cuento del frijol')
      expect((await anonymous(path)).html, path).toContain('Cuento del maíz')
      clock.advance(t.config.publicPageTtlMs)
      expect((await anonymous(path)).html, path).toContain('Cuento del frijol')
      await renameElsewhere('Cuento del maíz')
    }
  })

  it('carry no CSRF token and set no cookie; a page with a form still gets both', async () => {
    for (const path of ['/', '/jobs', '/jobs?q=cuento', `/jobs/${jobId}`]) {
      const page = await anonymous(path)
      expect(page.status).toBe(200)
      expect(page.html, path).not.toContain('name="_csrf"')
      expect(page.headers.getSetCookie(), path).toEqual([])
      expect(page.headers.get('vary'), path).toContain('cookie')
    }
    const login = await anonymous('/login')
    expect(login.html).toContain('name="_csrf"')
    expect(login.headers.getSetCookie().some((c) => c.startsWith('_csrf='))).toBe(true)
  })

  it('are never given to a signed-in person, and a change answered here shows at once', async () => {
    await anonymous(`/jobs/${jobId}`)
    const mine = await funder.get(`/jobs/${jobId}`)
    expect(mine.html).toContain('name="_csrf"')
    expect(mine.html).toContain('/logout')
    await renameElsewhere('Cuento del frijol')
    expect((await funder.get(`/jobs/${jobId}`)).html).toContain('Cuento del frijol')
    // A state change answered by this process (a POST that did not fail) forgets every remembered page.
    expect((await funder.post(`/jobs/${jobId}/duplicate`)).status).toBe(303)
    expect((await anonymous('/jobs')).html).toContain('Cuento del frijol')
    await renameElsewhere('Cuento del maíz')
    clock.advance(t.config.publicPageTtlMs)
  })

  it('never show a signed-in person\'s header to the next visitor, nor to a stale session cookie', async () => {
    clock.advance(t.config.publicPageTtlMs)
    expect((await funder.get('/jobs')).html).toContain('/logout')
    for (const headers of [{}, { cookie: 'sid=gone-long-ago' }] as Record<string, string>[]) {
      const page = await anonymous('/jobs', headers)
      expect(page.html).not.toContain('/logout')
      expect(page.html).not.toContain('name="_csrf"')
      expect(page.headers.get('x-voces-cache-key')).toBe('')
    }
  })

  it('share the list, not the page, with a signed-in person: her header is hers, the cards are everyone’s', async () => {
    const creator = new Agent(t.baseUrl)
    await creator.register('public_creator', 'creator')
    const before = await creator.get('/jobs')
    expect(before.html).toContain('Cuento del maíz')
    expect(before.html).toContain('/logout')
    expect(before.html).toContain('value="hideApplied"')
    await renameElsewhere('Cuento del frijol')
    // Another process's change: the shared list shows it once its few seconds are over, as for visitors.
    const shared = await funder.get('/jobs')
    expect(shared.html).toContain('Cuento del maíz')
    const token = (html: string) => /name="_csrf" value="([^"]+)"/.exec(html)?.[1]
    expect(token(shared.html)).toBeTruthy()
    expect(token(shared.html)).not.toBe(token(before.html))
    // Hiding what she applied to is her own list: never shared.
    expect((await creator.get('/jobs?flags=hideApplied')).html).toContain('Cuento del frijol')
    clock.advance(t.config.publicPageTtlMs)
    expect((await creator.get('/jobs')).html).toContain('Cuento del frijol')
    await renameElsewhere('Cuento del maíz')
    clock.advance(t.config.publicPageTtlMs)
  })

  it('share what everyone sees of a job with a signed-in creator; her own rows and the owner\'s page stay fresh', async () => {
    const creator = new Agent(t.baseUrl)
    await creator.register('public_reader', 'creator')
    clock.advance(t.config.publicPageTtlMs)
    const before = await creator.get(`/jobs/${jobId}`)
    expect(before.html).toContain('Cuento del maíz')
    expect(before.html).toContain('/logout')
    await renameElsewhere('Cuento del frijol')
    // Another process's change: a creator sees it once the few seconds are over; the owner at once.
    expect((await creator.get(`/jobs/${jobId}`)).html).toContain('Cuento del maíz')
    expect((await funder.get(`/jobs/${jobId}`)).html).toContain('Cuento del frijol')
    clock.advance(t.config.publicPageTtlMs)
    expect((await creator.get(`/jobs/${jobId}`)).html).toContain('Cuento del frijol')
    await renameElsewhere('Cuento del maíz')
    // A change answered here shows at once.
    const edit = await funder.get(`/jobs/${jobId}/edit`)
    expect(edit.status).toBe(200)
    await funder.postMultipart(`/jobs/${jobId}/edit`, jobFields({ title: 'Cuento del maíz azul' }))
    expect((await creator.get(`/jobs/${jobId}`)).html).toContain('Cuento del maíz azul')
    await renameElsewhere('Cuento del maíz')
    clock.advance(t.config.publicPageTtlMs)
  })

  it('say the same in every encoding, and each language is its own page', async () => {
    const plain = await anonymous('/jobs', { 'accept-encoding': 'identity' })
    const identity = await raw('/jobs', 'identity')
    const br = await raw('/jobs', 'gzip, deflate, br')
    const gzip = await raw('/jobs', 'gzip;q=1, br;q=0')
    expect([identity.encoding, br.encoding, gzip.encoding]).toEqual([undefined, 'br', 'gzip'])
    expect(identity.body.toString()).toBe(plain.html)
    expect(brotliDecompressSync(br.body).toString()).toBe(plain.html)
    expect(gunzipSync(gzip.body).toString()).toBe(plain.html)
    expect(plain.html).toContain('lang="es"')
    const english = await anonymous('/jobs', { cookie: 'lang=en' })
    expect(english.html).toContain('lang="en"')
    expect((await anonymous('/jobs')).html).toContain('lang="es"')
  })
})

describe('the language switch on a page without a token', () => {
  const post = (headers: Record<string, string>, fields: Record<string, string> = { lang: 'en', next: '/jobs' }) =>
    fetch(`${t.baseUrl}/language`, { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers }, body: new URLSearchParams(fields) })
  const langCookie = (res: Response) => res.headers.getSetCookie().find((c) => c.startsWith('lang='))

  it('works from our own page, as the browser says it by Fetch Metadata, Origin or Referer', async () => {
    const origin = new URL(t.baseUrl).origin
    for (const headers of [{ 'sec-fetch-site': 'same-origin' }, { origin }, { referer: `${origin}/jobs` }] as Record<string, string>[]) {
      const res = await post(headers)
      expect(res.status, JSON.stringify(headers)).toBe(303)
      expect(res.headers.get('location')).toBe('/jobs')
      expect(langCookie(res)).toMatch(/^lang=en;/)
    }
  })

  it('takes a signed-in person\'s token, or the same proof', async () => {
    expect((await funder.post('/language', { lang: 'es', next: '/jobs' })).status).toBe(303)
    const proved = await fetch(`${t.baseUrl}/language`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: funder.cookieHeader(), origin: new URL(t.baseUrl).origin },
      body: new URLSearchParams({ lang: 'es', next: '/jobs' })
    })
    expect(proved.status).toBe(303)
  })

  it('is refused from another site, or with no proof at all, and changes nothing', async () => {
    for (const headers of [
      { 'sec-fetch-site': 'cross-site', origin: new URL(t.baseUrl).origin },
      { 'sec-fetch-site': 'same-site' },
      { origin: 'https://evil.example' },
      { origin: 'null' },
      { referer: 'https://evil.example/jobs' },
      {}
    ] as Record<string, string>[]) {
      const res = await post(headers)
      expect(res.status, JSON.stringify(headers)).toBe(403)
      expect(langCookie(res)).toBeUndefined()
      expect(await res.text()).toContain('data-error="csrf"')
    }
  })
})
