import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { eq } from 'drizzle-orm'
import { Agent, jobFields, SAMPLE, startTestWeb, type TestWeb } from './helpers.ts'
import { jobs } from '../src/jobs/model.ts'
import { users } from '../src/domain/user.ts'
import { sessions } from '../src/sessions/model.ts'

let t: TestWeb
beforeAll(async () => {
  t = await startTestWeb({ loginRateLimit: 5 })
})
afterAll(() => t.close())

describe('people', () => {
  test('register, argon2id hash, session cookie flags, never admin', async () => {
    const a = new Agent(t.baseUrl)
    const res = await a.register('maria', 'creator')
    expect(res.status).toBe(303)
    expect(res.location).toBe('/profile?ok=registered')
    const cookie = res.headers.getSetCookie().find((c) => c.startsWith('sid='))!
    expect(cookie).toMatch(/HttpOnly/i)
    expect(cookie).toMatch(/SameSite=Lax/i)
    const [row] = await t.database.db.select().from(users).where(eq(users.username, 'maria'))
    expect(row!.passwordHash.startsWith('$argon2id$')).toBe(true)
    expect(row!.isAdmin).toBe(false)
    expect(row!.isCreator && !row!.isFunder).toBe(true)
    // The session table stores a digest, never the cookie's token.
    const token = cookie.split(';')[0]!.slice(4)
    const stored = await t.database.db.select().from(sessions)
    expect(stored.some((s) => s.id === token)).toBe(false)
    const profile = await a.get('/profile')
    expect(profile.status).toBe(200)
  })

  test('duplicate username and bad input are shown in the user language', async () => {
    const a = new Agent(t.baseUrl)
    await a.get('/')
    const res = await a.register('maria')
    expect(res.status).toBe(422)
    expect(res.html).toContain('Ese nombre de usuario ya existe.')
    await a.post('/language', { lang: 'en', next: '/register' })
    const en = await a.register('maria')
    expect(en.html).toContain('That username is taken.')
    const bad = await a.register('X!')
    expect(bad.html).toContain('The username must have 3 to 32')
  })

  test('login, wrong password, logout', async () => {
    const a = new Agent(t.baseUrl)
    await a.get('/login')
    const wrong = await a.post('/login', { username: 'maria', password: 'nope' })
    expect(wrong.status).toBe(401)
    expect(wrong.html).toContain('Usuario o contraseña incorrectos.')
    const ok = await a.post('/login', { username: 'maria', password: 'secret123', next: '/profile' })
    expect(ok.status).toBe(303)
    expect(ok.location).toBe('/profile')
    expect((await a.get('/profile')).status).toBe(200)
    await a.post('/logout')
    const after = await a.get('/profile')
    expect(after.status).toBe(303)
    expect(after.location).toMatch(/^\/login/)
  })

  test('a POST without a valid CSRF token changes nothing', async () => {
    const a = new Agent(t.baseUrl)
    await a.get('/register')
    const none = await a.post('/register', { _csrf: '', username: 'eve', password: 'secret123', displayName: 'e', role: 'both' })
    expect(none.status).toBe(403)
    const forged = await a.post('/register', { _csrf: 'forged', username: 'eve', password: 'secret123', displayName: 'e', role: 'both' })
    expect(forged.status).toBe(403)
    expect(forged.html).toContain('El formulario caducó')
    expect(await t.database.db.select().from(users).where(eq(users.username, 'eve'))).toHaveLength(0)
  })

  test('the language switch never redirects off-site', async () => {
    const a = new Agent(t.baseUrl)
    await a.get('/')
    for (const next of ['https://evil.example/', '//evil.example/x', '/\\evil.example']) {
      const res = await a.post('/language', { lang: 'en', next })
      expect(res.location).toBe('/')
    }
    const local = await a.post('/language', { lang: 'en', next: '/jobs?q=x' })
    expect(local.location).toBe('/jobs?q=x')
    expect((await a.get('/')).html).toContain('<html lang="en">')
  })

  test('profile wallet is checked through the payments service', async () => {
    const a = new Agent(t.baseUrl)
    await a.get('/login')
    await a.post('/login', { username: 'maria', password: 'secret123' })
    t.payments.wallets.add('https://wallet.test/maria')
    const bad = await a.postMultipart('/profile', { displayName: 'María', walletAddress: 'https://wallet.test/nobody', roles: 'creator', preferredLanguage: 'es' })
    expect(bad.status).toBe(422)
    expect(bad.html).toContain('No hay ninguna billetera en esa dirección')
    expect(bad.html).toContain('value="https://wallet.test/nobody"')
    const good = await a.postMultipart('/profile', {
      displayName: 'María',
      walletAddress: 'https://wallet.test/maria',
      roles: ['creator'],
      nativeLanguages: ['nah', 'es'],
      preferredLanguage: 'es'
    })
    expect(good.status).toBe(303)
    const [row] = await t.database.db.select().from(users).where(eq(users.username, 'maria'))
    expect(row!.walletAddress).toBe('https://wallet.test/maria')
    expect(row!.nativeLanguages).toEqual(['nah', 'es'])
  })

  test('pages carry security headers and work without scripts of their own inline', async () => {
    const res = await new Agent(t.baseUrl).get('/')
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'")
    expect(res.headers.get('x-frame-options')).toBe('DENY')
    expect(res.html).not.toMatch(/<script>(?!<\/script>)/)
    expect(res.html).toContain('<main id="main"')
    expect(res.html).toContain('class="skip" href="#main"')
  })

  test('login attempts are rate limited', async () => {
    const a = new Agent(t.baseUrl)
    await a.get('/login')
    const statuses: number[] = []
    for (let i = 0; i < 7; i++) statuses.push((await a.post('/login', { username: 'maria', password: 'bad' })).status)
    expect(statuses).toContain(429)
  })

  // What the service worker may keep is decided here (public/sw.js only obeys): docs/web.md "Offline".
  test('offline: only a signed-in person\'s own pages are marked, under a per-session key that logout ends', async () => {
    const owner = new Agent(t.baseUrl)
    await owner.register('offline_owner', 'funder')
    await owner.postMultipart('/jobs', { ...jobFields({ title: 'Guardado para leer sin red' }), reference: SAMPLE.mp3 })
    const [job] = await t.database.db.select().from(jobs).where(eq(jobs.title, 'Guardado para leer sin red'))
    const applicant = new Agent(t.baseUrl)
    const registered = await applicant.register('offline_reader', 'creator')
    const sid = registered.headers.getSetCookie().find((c) => c.startsWith('sid='))!.split(';')[0]!.slice(4)
    expect((await applicant.postMultipart(`/jobs/${job!.id}/apply`, { note: 'Sí' })).status).toBe(303)
    const stranger = new Agent(t.baseUrl)
    await stranger.register('offline_stranger', 'creator')
    const anon = new Agent(t.baseUrl)
    const mark = async (a: Agent, path: string) => {
      const res = await a.get(path)
      return [res.headers.get('x-voces-offline'), res.headers.get('x-voces-cache-key')]
    }
    const [, key] = await mark(applicant, '/')
    expect(key).toMatch(/^[\w-]{22}$/)
    expect(key).not.toBe(sid)
    expect(sid).not.toContain(key)
    for (const path of ['/', '/dashboard', '/dashboard/work', '/dashboard/applications', '/dashboard/money', '/notices', `/jobs/${job!.id}`]) {
      expect(await mark(applicant, path), path).toEqual(['page', key])
    }
    expect(await mark(applicant, `/media/${job!.referenceMediaId}`)).toEqual(['media', key])
    // Not hers, not a page of her own, not signed in, or a failure: never marked.
    for (const path of ['/jobs', '/profile', '/admin', '/nowhere', '/audio']) expect(await mark(applicant, path), path).toEqual([null, key])
    expect((await mark(stranger, `/jobs/${job!.id}`))[0]).toBeNull()
    expect((await mark(owner, `/jobs/${job!.id}`))[0]).toBeNull()
    expect(await mark(anon, '/')).toEqual([null, ''])
    expect(await mark(anon, `/media/${job!.referenceMediaId}`)).toEqual([null, ''])
    expect((await applicant.post('/language', { lang: 'es', next: '/' })).headers.get('x-voces-offline')).toBeNull()
    // Another session (another person) has another key.
    expect((await mark(stranger, '/'))[1]).not.toBe(key)

    // The offline page is nobody's: no session in it, in the language asked.
    const offline = await applicant.get('/offline?lang=en')
    expect(offline.html).toContain('You are offline and this page was not saved on this phone.')
    expect(offline.html).not.toContain('action="/logout"')
    expect(offline.headers.get('x-voces-cache-key')).toBe('')

    const out = await applicant.post('/logout')
    expect(out.headers.get('clear-site-data')).toBe('"cache"')
    expect(await mark(applicant, '/')).toEqual([null, ''])
  })

  test('the worker\'s scripts: asked again at every update check, a 304 while they have not changed', async () => {
    for (const path of ['/sw.js', '/sw-outbox.js']) {
      const first = await fetch(`${t.baseUrl}${path}`, { headers: { 'accept-encoding': 'br' } })
      const etag = first.headers.get('etag')
      expect([first.status, first.headers.get('cache-control'), (await first.text()).length > 1000], path).toEqual([200, 'no-cache', true])
      expect(etag).toMatch(/^"[\w-]{22}"$/)
      const again = await fetch(`${t.baseUrl}${path}`, { headers: { 'if-none-match': etag!, 'accept-encoding': 'br' } })
      expect([again.status, await again.text()], path).toEqual([304, ''])
      expect((await fetch(`${t.baseUrl}${path}`, { headers: { 'if-none-match': '"old"' } })).status, path).toBe(200)
    }
  })
})
