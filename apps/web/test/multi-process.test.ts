/**
 * Several processes of each service on one PostgreSQL (issue 14): two web and two payments processes,
 * each a child process started as an operator starts it (src/main.ts, env only), against the sandbox
 * wallet. Concurrent finishes, accepts and webhooks across the processes move money exactly once.
 * Runs only on PostgreSQL (DATABASE_URL: the PostgreSQL pass of CI); PGlite is single-process.
 */
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest'
import { spawn, type ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import pg from 'pg'
import { startTestSandbox, type TestSandbox } from '../../../services/sandbox-wallet/src/testing.ts'
import { createSellerWallet, visit } from '../../../services/payments/test/harness.ts'
import { Agent, jobFields } from './helpers.ts'

const DATABASE_URL = process.env.DATABASE_URL
const root = fileURLToPath(new URL('../../../', import.meta.url))

const freePort = () =>
  new Promise<number>((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number }
      server.close(() => resolve(port))
    })
  })

describe.skipIf(!DATABASE_URL)('two web and two payments processes on one PostgreSQL', () => {
  const dir = mkdtempSync(join(tmpdir(), 'voces-multi-'))
  const dbName = `voces_multi_${randomBytes(4).toString('hex')}`
  const children: ChildProcess[] = []
  let sandbox: TestSandbox
  let seller: Awaited<ReturnType<typeof createSellerWallet>>
  const web: string[] = []
  const pay: string[] = []
  const token = randomBytes(24).toString('base64url')
  let db: pg.Client

  const start = (entry: string, env: Record<string, string>) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(root, entry)], {
      cwd: root,
      env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'warn', DATABASE_URL: dbUrl(), DATA_DIR: dir, ...env },
      stdio: ['ignore', 'ignore', 'inherit']
    })
    children.push(child)
  }
  const dbUrl = () => {
    const u = new URL(DATABASE_URL!)
    u.pathname = `/${dbName}`
    return u.toString()
  }

  beforeAll(async () => {
    const admin = new pg.Client({ connectionString: DATABASE_URL })
    await admin.connect()
    await admin.query(`CREATE DATABASE "${dbName}"`)
    await admin.end()
    sandbox = await startTestSandbox()
    seller = await createSellerWallet(sandbox, dir, `market${randomBytes(3).toString('hex')}`)
    const ports = { web: [await freePort(), await freePort()], pay: [await freePort(), await freePort()] }
    for (const p of ports.web) web.push(`http://127.0.0.1:${p}`)
    for (const p of ports.pay) pay.push(`http://127.0.0.1:${p}`)
    const webhookSecret = `whsec_${randomBytes(24).toString('base64')}`
    const common = { NODE_ENV: 'test', PAYMENTS_API_TOKEN: token }
    for (const [i, port] of ports.pay.entries()) {
      start('services/payments/src/main.ts', {
        ...common,
        PAYMENTS_PORT: String(port),
        PAYMENTS_BASE_URL: pay[i]!,
        SELLER_WALLET_ADDRESS_URL: seller.url,
        SELLER_KEY_ID: seller.keyId,
        SELLER_PRIVATE_KEY_PATH: seller.privateKeyPath,
        SELLER_KEYS_DIR: dir,
        WALLET_ALLOWED_ORIGINS: sandbox.baseUrl,
        ALLOWED_RETURN_ORIGINS: web.join(','),
        // Each payments process tells "its" web process; either may receive any event.
        WEBHOOK_URL: `${web[i]}/webhooks/payments`,
        WEBHOOK_SECRET: webhookSecret,
        WORKER_POLL_MS: '100'
      })
    }
    for (const [i, port] of ports.web.entries()) {
      start('apps/web/src/main.ts', {
        ...common,
        WEB_PORT: String(port),
        WEB_BASE_URL: web[i]!,
        WEB_COOKIE_SECRET: 'multi-process-cookie-secret-of-32-chars',
        WEB_UPLOAD_DIR: join(dir, `uploads-${i}`),
        WEB_ASSET_CODE: 'USD',
        WEB_SCHEDULER_INTERVAL_MS: '200',
        PAYMENTS_URL: pay[i]!,
        PAYMENTS_WEBHOOK_SECRET: webhookSecret
      })
    }
    for (const base of [...pay, ...web]) {
      await vi.waitFor(async () => expect((await fetch(`${base}/health`)).status).toBe(200), { timeout: 60_000, interval: 200 })
    }
    db = new pg.Client({ connectionString: dbUrl() })
    await db.connect()
    // The operator connects the escrow wallet for payouts once.
    const grant = await fetch(`${pay[0]}/sellers/marketplace/payout-grant`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ debitLimit: '500.00', returnUrl: `${web[0]}/` })
    }).then((r) => r.json() as Promise<{ redirectUrl: string }>)
    await visit(await sandbox.approveConsent(grant.redirectUrl))
  }, 120_000)

  afterAll(async () => {
    await Promise.all(children.map((c) => new Promise((resolve) => (c.exitCode !== null ? resolve(null) : (c.once('exit', resolve), c.kill('SIGTERM'))))))
    await db?.end()
    await sandbox?.close()
    const admin = new pg.Client({ connectionString: DATABASE_URL })
    await admin.connect()
    await admin.query(`DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`)
    await admin.end()
    rmSync(dir, { recursive: true, force: true })
  })

  const rows = async <T,>(text: string, values: unknown[] = []) => (await db.query(text, values)).rows as T[]
  /** The same person signed in on both web processes (sessions live in the database). */
  const signIn = async (name: string, role: 'funder' | 'creator') => {
    const [a, b] = [new Agent(web[0]!), new Agent(web[1]!)]
    expect((await a.register(name, role)).status).toBe(303)
    expect((await b.post('/login', { username: name, password: 'secret123' })).status).toBe(303)
    return [a, b] as const
  }

  test('a funding finished at both payments processes, accepts sent to both web processes and their webhooks move money exactly once', async () => {
    const funderWallet = await sandbox.admin.createWalletAddress({ name: `f${randomBytes(3).toString('hex')}`, publicName: 'Funder', assetCode: 'USD' })
    await sandbox.admin.deposit(funderWallet.url.split('/').pop()!, 100_00n)
    const [owner, ownerB] = await signIn('multi_owner', 'funder')
    await owner.postMultipart('/profile', { displayName: 'F', walletAddress: funderWallet.url, roles: 'funder', preferredLanguage: 'es' })
    await owner.postMultipart('/jobs', jobFields({ title: 'Multi', amount: '5.00', maxResponses: '2', recruitLimit: '2', submitLimit: '2', deliverableTypes: ['text'] }))
    const [job] = await rows<{ id: string }>(`select id from web.jobs where title = 'Multi'`)
    const creators: Array<{ agent: Agent; wallet: string }> = []
    for (const name of ['multi_c1', 'multi_c2']) {
      const wallet = await sandbox.admin.createWalletAddress({ name: `${name}${randomBytes(2).toString('hex')}`, publicName: name, assetCode: 'USD' })
      const [agent] = await signIn(name, 'creator')
      await agent.postMultipart('/profile', { displayName: name, walletAddress: wallet.url, roles: 'creator', preferredLanguage: 'es' })
      await agent.postMultipart(`/jobs/${job!.id}/apply`, { note: 'hola' })
      creators.push({ agent, wallet: wallet.url.split('/').pop()! })
    }
    for (const m of (await owner.get(`/jobs/${job!.id}`)).html.matchAll(/data-application="([^"]+)"/g)) await owner.post(`/applications/${m[1]}/decide`, { state: 'selected' })

    // Fund: both web processes asked at once; one payment; its finish arrives at both payments processes at once.
    await Promise.all([owner.post(`/jobs/${job!.id}/funding`), ownerB.post(`/jobs/${job!.id}/funding`)])
    const open = await rows<{ id: string; payment_url: string; pending_id: string }>(
      `select id, payment_url, pending_id from web.fundings where job_id = $1 and state = 'awaiting_consent'`,
      [job!.id]
    )
    expect(open).toHaveLength(1)
    const finish = new URL(await sandbox.approveConsent(open[0]!.payment_url))
    await Promise.all(pay.map((base) => visit(`${base}${finish.pathname}${finish.search}`)))
    await expect.poll(async () => (await rows<{ state: string }>(`select state from web.fundings where id = $1`, [open[0]!.id]))[0]!.state, { timeout: 30_000 }).toBe('completed')
    const [payment] = await rows<{ debit_value: string; receive_value: string }>(`select debit_value, receive_value from payments.payments where id = $1`, [open[0]!.pending_id])
    expect(await sandbox.admin.balance(funderWallet.url.split('/').pop()!)).toBe(100_00n - BigInt(payment!.debit_value))

    // Work, then each submission accepted through both web processes at once: one payout each, paid once.
    await expect.poll(async () => (await owner.post(`/jobs/${job!.id}/start`)).status).toBe(303)
    for (const c of creators) expect((await c.agent.postMultipart(`/jobs/${job!.id}/submission`, { text: 'listo', action: 'submit' })).status).toBe(303)
    const subs = await rows<{ id: string }>(`select id from web.submissions where job_id = $1`, [job!.id])
    expect(subs).toHaveLength(2)
    await Promise.all(subs.flatMap((s) => [owner.post(`/submissions/${s.id}/accept`), ownerB.post(`/submissions/${s.id}/accept`)]))
    await expect
      .poll(async () => (await rows<{ state: string }>(`select state from web.payouts where job_id = $1`, [job!.id])).map((p) => p.state).sort(), { timeout: 60_000 })
      .toEqual(['completed', 'completed'])
    expect(await rows(`select 1 from payments.payouts where reference = any($1)`, [subs.map((s) => s.id)])).toHaveLength(2)
    for (const c of creators) expect(await sandbox.admin.balance(c.wallet)).toBe(5_00n)

    // Every event was delivered, and each was taken once by the web side (its replay guard).
    await expect.poll(async () => (await rows(`select 1 from payments.webhook_events where delivered_at is null`)).length, { timeout: 30_000 }).toBe(0)
    const events = await rows<{ id: string }>(`select id from payments.webhook_events`)
    const taken = await rows<{ id: string }>(`select id from web.webhook_deliveries`)
    expect(taken.map((t) => t.id).sort()).toEqual(events.map((e) => e.id).sort())
    expect(await rows(`select 1 from payments.webhook_events where type = 'payment.completed' and payload->>'pendingId' = $1`, [open[0]!.pending_id])).toHaveLength(1)
  }, 120_000)
})
