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

/** The value of the field `f-<name>` in a page, whether it is marked, and the markup of its message. */
function field(html: string, name: string): { value: string | undefined; invalid: boolean; error: string } {
  const input = new RegExp(`<(?:input|textarea)[^>]*id="f-${name}"[^>]*>`).exec(html)?.[0] ?? ''
  const value = /value="([^"]*)"/.exec(input)?.[1] ?? new RegExp(`id="f-${name}"[^>]*>([^<]*)</textarea>`).exec(html)?.[1]
  const error = new RegExp(`id="f-${name}-error"[\\s\\S]*?</p>`).exec(html)?.[0] ?? ''
  return { value, invalid: input.includes('aria-invalid="true"'), error }
}

describe('control characters never reach the database, and never lose what was typed', () => {
  test('a NUL byte in the profile display name (multipart and urlencoded): the form again, the text without it, the field told why, nothing saved', async () => {
    for (const send of [() => ana.postMultipart('/profile', { displayName: 'Ana\u0000x', roles: 'funder' }), () => ana.post('/profile', { displayName: 'Ana\u0000x' })]) {
      const res = await send()
      expect(res.status).toBe(422)
      expect(field(res.html, 'displayName')).toMatchObject({ value: 'Anax', invalid: true, error: expect.stringContaining(es.errors.control_characters_removed) })
      expect(res.html).toContain('id="error-summary"')
    }
    expect(await displayName('ana_h')).toBe('ana_h')
  })

  test('a job title with a control character: the form again in English for an English speaker, every typed field kept, no job', async () => {
    const res = await bob.postMultipart('/jobs', jobFields({ title: 'Cuento\u0000', description: 'Una historia\u0007 larga', action: 'draft' }))
    expect(res.status).toBe(422)
    expect(field(res.html, 'title')).toMatchObject({ value: 'Cuento', invalid: true, error: expect.stringContaining(en.errors.control_characters_removed) })
    expect(field(res.html, 'description')).toMatchObject({ value: 'Una historia larga', invalid: true })
    const res2 = await bob.postMultipart('/jobs', jobFields({ title: 'Cuento\u001b[31m', action: 'draft' }))
    expect(res2.status).toBe(422)
    expect(field(res2.html, 'title').value).toBe('Cuento[31m')
    expect(await t.database.db.select().from(jobs)).toHaveLength(0)
    // Sent again as shown, it is saved.
    expect((await bob.postMultipart('/jobs', jobFields({ title: 'Cuento[31m', action: 'draft' }))).status).toBe(303)
    expect(await t.database.db.select({ title: jobs.title }).from(jobs)).toEqual([{ title: 'Cuento[31m' }])
    await t.database.db.delete(jobs)
  })

  test('register and login: the form again with the name typed, minus the control character; nobody registered or signed in', async () => {
    const visitor = new Agent(t.baseUrl)
    await visitor.get('/register')
    const reg = await visitor.post('/register', { username: 'eva\u0000_h', displayName: 'Eva\u0001', password: 'secret123', role: 'creator' })
    expect(reg.status).toBe(422)
    expect(field(reg.html, 'username')).toMatchObject({ value: 'eva_h', invalid: true, error: expect.stringContaining(es.errors.control_characters_removed) })
    expect(field(reg.html, 'displayName')).toMatchObject({ value: 'Eva', invalid: true })
    expect(await t.database.db.select().from(users).where(eq(users.username, 'eva_h'))).toEqual([])
    await visitor.get('/login')
    const login = await visitor.post('/login', { username: 'ana_h\u0000', password: 'secret123' })
    expect(login.status).toBe(422)
    expect(field(login.html, 'username')).toMatchObject({ value: 'ana_h', invalid: true })
    expect((await visitor.get('/dashboard')).status).not.toBe(200)
  })

  test('a form that does not show itself again still answers a plain 400 page', async () => {
    const res = await ana.post('/audio/requests', { target: 'browse.title', language: 'ot\u0000' })
    expect(res.status).toBe(400)
    expect(res.html).toContain('data-error="control_characters"')
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
