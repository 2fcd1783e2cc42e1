import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { eq } from 'drizzle-orm'
import { Agent, jobFields, signUp, startTestWeb, type TestWeb } from './helpers.ts'
import { users } from '../src/domain/user.ts'
import { jobs } from '../src/jobs/model.ts'
import es from '../src/i18n/es.json' with { type: 'json' }
import en from '../src/i18n/en.json' with { type: 'json' }

// Issue 12: inputs that answered 500 on PostgreSQL, or that another session's CSRF token got through.
let t: TestWeb
let ana: Agent
let bob: Agent

beforeAll(async () => {
  t = await startTestWeb()
  ;[ana, bob] = await signUp(t.baseUrl, ['ana_h', 'both'], ['bob_h', 'both'])
  await bob.post('/language', { lang: 'en', next: '/' })
})
afterAll(() => t.close())

const displayName = async (username: string) =>
  (await t.database.db.select({ d: users.displayName }).from(users).where(eq(users.username, username)))[0]!.d

describe('control characters are refused before they reach the database', () => {
  test('a NUL byte in the profile display name (multipart and urlencoded): 400 in Spanish, nothing saved', async () => {
    for (const send of [() => ana.postMultipart('/profile', { displayName: 'Ana\u0000x', roles: 'funder' }), () => ana.post('/profile', { displayName: 'Ana\u0000x' })]) {
      const res = await send()
      expect(res.status).toBe(400)
      expect(res.html).toContain('data-error="control_characters"')
      expect(res.html).toContain(es.errors.control_characters)
    }
    expect(await displayName('ana_h')).toBe('ana_h')
  })

  test('a job title with a control character: 400 in English for an English speaker, no job', async () => {
    const res = await bob.postMultipart('/jobs', jobFields({ title: 'Cuento\u0000', action: 'draft' }))
    expect(res.status).toBe(400)
    expect(res.html).toContain(en.errors.control_characters)
    const res2 = await bob.postMultipart('/jobs', jobFields({ title: 'Cuento\u001b[31m', action: 'draft' }))
    expect(res2.status).toBe(400)
    expect(await t.database.db.select().from(jobs)).toHaveLength(0)
  })

  test('tabs and line breaks stay allowed in multi-line text', async () => {
    const res = await bob.postMultipart('/jobs', jobFields({ description: 'Línea 1\r\n\tLínea 2', action: 'draft' }))
    expect(res.status).toBe(303)
  })

  test('query strings and path parameters: GET /jobs?q=%00 is a plain 400 page', async () => {
    for (const path of ['/jobs?q=%00', '/jobs?q=a%01b', '/jobs?language=%1f', '/jobs/%00', '/media/%00']) {
      const res = await ana.get(path)
      expect(res.status, path).toBe(400)
      expect(res.html, path).toContain('data-error="control_characters"')
    }
    expect((await ana.get('/jobs?q=cuento')).status).toBe(200)
  })
})

describe('malformed bodies are the client’s fault', () => {
  test('multipart without a boundary: 400 page in the user’s language', async () => {
    for (const path of ['/profile', '/jobs', '/login', '/register']) {
      const res = await bob.request('POST', path, '_csrf=x&title=y', { 'content-type': 'multipart/form-data' })
      expect(res.status, path).toBe(400)
      expect(res.html, path).toContain(en.errors.malformed_body)
    }
  })

  test('a truncated multipart body: 400', async () => {
    const body = '--XyZ\r\ncontent-disposition: form-data; name="displayName"\r\n\r\nAna trunc'
    const res = await ana.request('POST', '/profile', body, { 'content-type': 'multipart/form-data; boundary=XyZ' })
    expect(res.status).toBe(400)
    expect(res.html).toContain(es.errors.malformed_body)
    expect(await displayName('ana_h')).toBe('ana_h')
  })

  test('a body over the limit: 413', async () => {
    const res = await ana.request('POST', '/profile', `displayName=${'a'.repeat(1_100_000)}`, { 'content-type': 'application/x-www-form-urlencoded' })
    expect(res.status).toBe(413)
  })
})

describe('the CSRF token belongs to the session', () => {
  const cookie = (res: { headers: Headers }, name: string) =>
    res.headers.getSetCookie().map((c) => c.split(';')[0]!).find((c) => c.startsWith(`${name}=`))

  test('another session’s CSRF cookie and token are refused: 403, nothing changed', async () => {
    const mallory = new Agent(t.baseUrl)
    const form = await mallory.request('GET', '/register')
    const csrfCookie = cookie(form, '_csrf')!
    const reg = await mallory.post('/register', { username: 'mallory_h', password: 'secret123', displayName: 'M', role: 'both' })
    expect(reg.status).toBe(303)
    const page = await mallory.get('/profile')
    const token = /name="_csrf" value="([^"]+)"/.exec(page.html)![1]!
    const malloryCsrf = cookie(page, '_csrf') ?? cookie(reg, '_csrf') ?? csrfCookie
    // Ana's session with Mallory's CSRF cookie and token, as a planted cookie would send them.
    const anaSession = /(?:^|; )(sid=[^;]+)/.exec((ana as unknown as { cookieHeader(): string }).cookieHeader())![1]!
    const res = await fetch(`${t.baseUrl}/profile`, {
      method: 'POST',
      redirect: 'manual',
      headers: { cookie: `${anaSession}; ${malloryCsrf}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ _csrf: token, displayName: 'Pwned' })
    })
    expect(res.status).toBe(403)
    expect(await res.text()).toContain('data-error="csrf"')
    expect(await displayName('ana_h')).toBe('ana_h')
    // Ana's own token still works.
    expect((await ana.post('/profile', { displayName: 'Ana' })).status).toBe(303)
    expect(await displayName('ana_h')).toBe('Ana')
  })

  test('login and logout issue a new CSRF secret; a token from before login is refused after it', async () => {
    const carla = new Agent(t.baseUrl)
    await carla.get('/login')
    const before = carla.csrf
    await carla.register('carla_h', 'both')
    const out = await carla.post('/logout')
    expect(cookie(out, '_csrf')).toBe('_csrf=')
    const login = await carla.post('/login', { username: 'carla_h', password: 'secret123' })
    expect(login.status).toBe(303)
    expect(cookie(login, '_csrf')).toBe('_csrf=')
    const stale = await carla.post('/profile', { _csrf: before, displayName: 'Stale' })
    expect(stale.status).toBe(403)
    expect(await displayName('carla_h')).toBe('carla_h')
  })
})
