/** The operators' area: admin rights only by command, 404 for everyone else, users, jobs, money, webhooks, escrow wallet. */
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { randomBytes } from 'node:crypto'
import { eq } from 'drizzle-orm'
import pg from 'pg'
import { openEmbeddedDatabase } from '@voces/platform'
import { Agent, jobFields, signUp, startTestWeb, type TestWeb } from './helpers.ts'
import { MIGRATIONS_FOLDER } from '../src/app.ts'
import { runAdminCommand, setAdmin } from '../src/pages/admin/set-admin.ts'
import { users } from '../src/domain/user.ts'
import { jobs } from '../src/jobs/model.ts'
import { fundings } from '../src/funding/model.ts'

let t: TestWeb
let admin: Agent
let someone: Agent

beforeAll(async () => {
  t = await startTestWeb()
  ;[admin, someone] = await signUp(t.baseUrl, ['operator', 'funder'], ['someone', 'both'])
})
afterAll(() => t?.close())

const ROUTES: Array<['GET' | 'POST', string]> = [
  ['GET', '/admin'],
  ['GET', '/admin/users'],
  ['GET', '/admin/jobs'],
  ['GET', '/admin/money'],
  ['GET', '/admin/webhooks'],
  ['GET', '/admin/escrow/return?status=active'],
  ['POST', '/admin/escrow/connect'],
  ['POST', '/admin/users/00000000-0000-0000-0000-000000000000/role'],
  ['POST', '/admin/users/00000000-0000-0000-0000-000000000000/disable'],
  ['POST', '/admin/users/00000000-0000-0000-0000-000000000000/enable'],
  ['POST', '/admin/fundings/00000000-0000-0000-0000-000000000000/reconcile'],
  ['POST', '/admin/payouts/00000000-0000-0000-0000-000000000000/reconcile']
]

describe('who is an admin', () => {
  test('nobody by default: registering makes no admin', async () => {
    const all = await t.database.db.select().from(users)
    expect(all.length).toBeGreaterThan(0)
    expect(all.every((u) => !u.isAdmin)).toBe(true)
  })

  test.each(ROUTES)('%s %s is 404 for anonymous visitors and signed-in non-admins', async (method, path) => {
    for (const agent of [new Agent(t.baseUrl), someone]) {
      const res = method === 'GET' ? await agent.get(path) : await agent.post(path, { debitLimit: '10.00', 'role-x': 'both' })
      expect(res.status).toBe(404)
      expect(res.html).not.toContain('Administración')
    }
  })

  test('admin:grant and admin:revoke on the embedded database; a running app holds the lock and is named', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'voces-admin-'))
    try {
      const webDir = join(dir, 'web')
      const db = await openEmbeddedDatabase(webDir)
      await db.migrate({ migrationsFolder: MIGRATIONS_FOLDER, schema: 'web' })
      await db.db.insert(users).values({ username: 'ops', passwordHash: 'x', displayName: 'Ops' })
      await db.close()
      // While the app runs it holds the directory lock (simulated: pid 1 is always alive); the command says what to do.
      writeFileSync(join(webDir, 'voces.lock'), '1')
      const locked = await runAdminCommand('grant', 'ops', { DATA_DIR: dir })
      expect(locked.code).toBe(1)
      expect(locked.message).toContain('stop `npm start`')
      rmSync(join(webDir, 'voces.lock'))
      expect(await runAdminCommand('grant', 'ops', { DATA_DIR: dir })).toMatchObject({ code: 0, message: expect.stringContaining('ops is now an admin') })
      expect(await runAdminCommand('grant', 'nobody', { DATA_DIR: dir })).toMatchObject({ code: 1, message: expect.stringContaining('No user named "nobody"') })
      expect(await runAdminCommand('grant', undefined, { DATA_DIR: dir })).toMatchObject({ code: 2 })
      const check = await openEmbeddedDatabase(webDir)
      expect((await check.db.select().from(users).where(eq(users.username, 'ops')))[0]!.isAdmin).toBe(true)
      await check.close()
      expect(await runAdminCommand('revoke', 'ops', { DATA_DIR: dir })).toMatchObject({ code: 0, message: expect.stringContaining('no longer an admin') })
      expect(await runAdminCommand('grant', 'ops', { DATA_DIR: join(dir, 'empty') })).toMatchObject({ code: 1, message: expect.stringContaining('No database found') })
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  }, 60_000)

  test.runIf(Boolean(process.env.DATABASE_URL))('admin:grant on PostgreSQL (DATABASE_URL)', async () => {
    const name = `voces_admin_${randomBytes(4).toString('hex')}`
    const client = new pg.Client({ connectionString: process.env.DATABASE_URL })
    await client.connect()
    await client.query(`CREATE DATABASE "${name}"`)
    const url = new URL(process.env.DATABASE_URL!)
    url.pathname = `/${name}`
    try {
      const { openPostgresDatabase } = await import('@voces/platform')
      const db = openPostgresDatabase(url.toString())
      await db.migrate({ migrationsFolder: MIGRATIONS_FOLDER, schema: 'web' })
      await db.db.insert(users).values({ username: 'pgops', passwordHash: 'x', displayName: 'Ops' })
      expect(await runAdminCommand('grant', 'pgops', { DATABASE_URL: url.toString() })).toMatchObject({ code: 0, message: expect.stringContaining('PostgreSQL') })
      expect((await db.db.select().from(users).where(eq(users.username, 'pgops')))[0]!.isAdmin).toBe(true)
      await db.close()
    } finally {
      await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)
      await client.end()
    }
  })
})

describe('the admin area', () => {
  beforeAll(async () => {
    expect(await setAdmin(t.database.db, 'operator', true)).toMatchObject({ username: 'operator' })
  })

  test('users: search, change role, disable (sessions end, login refused), enable; never oneself', async () => {
    const list = await admin.get('/admin/users?q=some')
    expect(list.status).toBe(200)
    expect(list.html).toContain('data-user="someone"')
    expect(list.html).not.toContain('data-user="operator"')
    const [target] = await t.database.db.select().from(users).where(eq(users.username, 'someone'))
    const role = await admin.post(`/admin/users/${target!.id}/role`, { [`role-${target!.id}`]: 'creator' })
    expect(role.location).toBe('/admin/users?q=someone&done=saved')
    const [changed] = await t.database.db.select().from(users).where(eq(users.id, target!.id))
    expect([changed!.isFunder, changed!.isCreator]).toEqual([false, true])
    expect((await admin.post(`/admin/users/${target!.id}/role`, { [`role-${target!.id}`]: 'superuser' })).location).toBe('/admin/users')

    expect((await someone.get('/profile')).status).toBe(200)
    const disabled = await admin.post(`/admin/users/${target!.id}/disable`)
    expect(disabled.location).toBe('/admin/users?q=someone&done=disabled')
    expect((await admin.get(disabled.location!)).html).toContain('data-admin-notice="disabled"')
    // Their session ended, and they cannot log in again.
    expect((await someone.get('/profile')).status).toBe(303)
    const relogin = await new Agent(t.baseUrl).post('/login', { username: 'someone', password: 'secret123' })
    expect(relogin.status).toBe(401)

    const [me] = await t.database.db.select().from(users).where(eq(users.username, 'operator'))
    expect((await admin.post(`/admin/users/${me!.id}/disable`)).location).toBe('/admin/users?done=own_account')
    expect((await admin.get('/profile')).status).toBe(200)

    expect((await admin.post(`/admin/users/${target!.id}/enable`)).location).toBe('/admin/users?q=someone&done=enabled')
    expect((await new Agent(t.baseUrl).post('/login', { username: 'someone', password: 'secret123' })).status).toBe(303)
  })

  test('a state change without the CSRF token is refused', async () => {
    const [target] = await t.database.db.select().from(users).where(eq(users.username, 'someone'))
    const res = await admin.post(`/admin/users/${target!.id}/disable`, { _csrf: '' })
    expect(res.status).toBe(403)
    expect((await t.database.db.select().from(users).where(eq(users.id, target!.id)))[0]!.disabled).toBe(false)
  })

  test('jobs by state, with counts and links; payments and a per-job ledger that balances', async () => {
    const funder = new Agent(t.baseUrl)
    await funder.register('adminfunder', 'funder')
    await funder.postMultipart('/profile', { displayName: 'F', walletAddress: 'https://wallet.test/adminfunder', roles: 'funder', preferredLanguage: 'es' })
    await funder.postMultipart('/jobs', jobFields({ title: 'Admin ledger job' }))
    await funder.postMultipart('/jobs', jobFields({ title: 'Admin draft job', action: 'draft' }))
    const [job] = await t.database.db.select().from(jobs).where(eq(jobs.title, 'Admin ledger job'))
    const drafts = await admin.get('/admin/jobs?state=draft')
    expect(drafts.html).toContain('Admin draft job')
    expect(drafts.html).not.toContain('Admin ledger job')
    expect(drafts.html).toMatch(/data-count-state="draft"[^]*?<span class="badge">1<\/span>/)
    expect((await admin.get('/admin/jobs')).html).toContain(`href="/jobs/${job!.id}"`)

    await funder.post(`/jobs/${job!.id}/funding`)
    const [f] = await t.database.db.select().from(fundings).where(eq(fundings.jobId, job!.id))
    expect((await admin.get('/admin/money')).html).toContain(`data-funding-state="awaiting_consent"`)
    // The page re-reads open payments from the payments service.
    t.payments.settle(f!.pendingId!, 'completed')
    const money = await admin.get('/admin/money')
    expect(money.html).toContain(`data-funding="${f!.id}" data-funding-state="completed"`)
    expect(money.html).toMatch(new RegExp(`data-ledger-job="${job!.id}"[^]*?data-ledger-balanced="true"[^]*?data-ledger="funded">\\$25.00 MXN`))
    expect(money.html).not.toContain('data-ledger-balanced="false"')
  })

  test('webhook deliveries from the payments service, and an error line when it is down', async () => {
    t.payments.webhookDeliveries.push({
      id: 3, eventId: 'msg_abc', type: 'payment.completed', attempt: 2, statusCode: 204, error: null, durationMs: 9, createdAt: new Date().toISOString(), eventDeliveredAt: new Date().toISOString()
    })
    const page = await admin.get('/admin/webhooks')
    expect(page.html).toContain('msg_abc')
    expect(page.html).toContain('data-delivery-ok="true"')
    t.payments.unreachable = true
    try {
      expect((await admin.get('/admin/webhooks')).html).toContain('role="alert"')
    } finally {
      t.payments.unreachable = false
    }
  })

  test('connect the escrow wallet: to the consent page and back with the result', async () => {
    const bad = await admin.post('/admin/escrow/connect', { debitLimit: '-5', interval: '' })
    expect(bad.location).toBe('/admin?done=invalid_limit')
    const go = await admin.post('/admin/escrow/connect', { debitLimit: '5000.00', interval: 'R/2026-01-01T00:00:00Z/P1M' })
    expect(go.status).toBe(200)
    expect(go.html).toMatch(/href="http:\/\/wallet\.test\/payout-grant\/\d+"/)
    expect(t.payments.payoutGrantRequests.at(-1)).toEqual({ debitLimit: '5000.00', interval: 'R/2026-01-01T00:00:00Z/P1M', returnUrl: `${t.config.baseUrl}/admin/escrow/return` })
    expect((await admin.get('/admin/escrow/return?payoutGrant=g1&status=active')).location).toBe('/admin?done=grant_approved')
    expect((await admin.get('/admin/escrow/return?payoutGrant=g1&status=rejected')).location).toBe('/admin?done=grant_failed')
    expect((await admin.get('/admin?done=grant_approved')).html).toContain('data-admin-notice="grant_approved"')
    // Admins find the area from the header; nobody else sees the link.
    expect((await admin.get('/dashboard')).html).toContain('href="/admin"')
    expect((await someone.get('/dashboard')).html).not.toContain('href="/admin"')
    t.payments.unreachable = true
    try {
      expect((await admin.post('/admin/escrow/connect', { debitLimit: '10.00' })).location).toBe('/admin?done=grant_unavailable')
    } finally {
      t.payments.unreachable = false
    }
  })

  test('every control and link on the admin pages carries a data-audio-slug (or is a speaker button)', async () => {
    const unslugged = (html: string) =>
      (html.match(/<(a|button|select|textarea|input)\b[^>]*>/g) ?? []).filter((tag) => !/type="hidden"/.test(tag) && !/data-audio-slug=|data-speak=/.test(tag))
    for (const path of ['/admin', '/admin?done=saved', '/admin/users', '/admin/jobs', '/admin/jobs?state=draft', '/admin/money', '/admin/webhooks']) {
      expect(unslugged((await admin.get(path)).html), path).toEqual([])
    }
    expect(unslugged((await admin.post('/admin/escrow/connect', { debitLimit: '10.00' })).html)).toEqual([])
  })

  test('the admin pages are complete in English: no Spanish-only sentence, no raw key', async () => {
    const { locales } = await import('../src/i18n/index.ts')
    const spanishOnly: string[] = []
    const walk = (es: Record<string, unknown>, en: Record<string, unknown>) => {
      for (const [k, v] of Object.entries(es)) {
        if (v && typeof v === 'object') walk(v as Record<string, unknown>, en[k] as Record<string, unknown>)
        else if (typeof v === 'string' && v !== en[k] && v.length >= 8 && v.includes(' ')) spanishOnly.push(v)
      }
    }
    walk((locales.es as Record<string, Record<string, unknown>>).admin!, (locales.en as Record<string, Record<string, unknown>>).admin!)
    await admin.post('/language', { lang: 'en', next: '/admin' })
    try {
      for (const path of ['/admin', '/admin?done=grant_failed', '/admin/users', '/admin/jobs', '/admin/money', '/admin/webhooks']) {
        const html = (await admin.get(path)).html
        expect(html, path).toContain('lang="en"')
        expect(spanishOnly.filter((sentence) => html.includes(sentence)), path).toEqual([])
        expect(html, path).not.toMatch(/>\s*admin\.[a-z_.]+\s*</)
      }
    } finally {
      await admin.post('/language', { lang: 'es', next: '/admin' })
    }
  })

  test('an admin whose rights are revoked gets 404 again', async () => {
    await setAdmin(t.database.db, 'operator', false)
    expect((await admin.get('/admin')).status).toBe(404)
    await setAdmin(t.database.db, 'operator', true)
    expect((await admin.get('/admin')).status).toBe(200)
  })
})
