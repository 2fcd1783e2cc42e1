/**
 * `npm run bench:page`: what a first visit costs on a cheap phone on a slow network. For the home, browse
 * and a job page, in Chromium with a cold cache: the compressed bytes transferred (sum of the encoded
 * sizes of every response, headers included, from the DevTools protocol), and Largest Contentful Paint
 * under emulated slow 4G (150 ms latency, 1.6 Mbps down, 750 kbps up) with the CPU slowed 4×.
 * Medians of BENCH_RUNS runs (5), next to the goals: ≤ 150 KB and ≤ 2.5 s. Exits 1 when a goal is missed.
 * The web app runs alone, with the demo data, on an in-memory database (PostgreSQL when DATABASE_URL is set).
 * Then, on 2G, a creator's repeat visit with a warm service worker and a 3 MB upload with a drop (page-2g.ts).
 */
import { rm } from 'node:fs/promises'
import { and, eq } from 'drizzle-orm'
import { createLogger, createTestDatabase } from '@voces/platform'
import { launchChromium } from '@voces/platform/browser'
import { buildWebApp } from '../src/app.ts'
import { testWebConfig } from '../src/config.ts'
import { createFakePaymentsClient } from '../src/payments-client/fake.ts'
import { seedDemoData } from '../src/seed/seed.ts'
import { jobs } from '../src/jobs/model.ts'
import { users } from '../src/domain/user.ts'
import { applications } from '../src/applications/model.ts'
import { benchTwoG } from './page-2g.ts'

const RUNS = Number(process.env.BENCH_RUNS ?? 5)
const GOAL_BYTES = 150 * 1024
const GOAL_LCP_MS = 2500
const SLOW_4G = { offline: false, latency: 150, downloadThroughput: (1.6 * 1024 * 1024) / 8, uploadThroughput: (750 * 1024) / 8 }
const CPU_SLOWDOWN = 4

interface Run {
  bytes: number
  lcpMs: number
  resources: Array<{ url: string; bytes: number; encoding: string; cache: string }>
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b)
  const m = Math.floor(s.length / 2)
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2
}

const database = await createTestDatabase()
const config = testWebConfig({ host: '127.0.0.1' })
const web = await buildWebApp({ config, database, logger: createLogger({ level: 'silent' }), paymentsClient: createFakePaymentsClient() })
const base = await web.start()
const browser = await launchChromium()
let failed = false
try {
  await seedDemoData({ db: database.db, hashPassword: web.services.users.hashPassword, sandboxWalletUrl: 'http://localhost:4100', asset: config.asset })
  const [owner] = await database.db.select().from(users).where(eq(users.username, 'demo_funder'))
  const [job] = await database.db.select().from(jobs).where(and(eq(jobs.ownerId, owner!.id), eq(jobs.state, 'recruiting'))).limit(1)
  // The same job as a signed-in creator sees it: the apply form, recording controls, more speakers.
  const pages: Array<[string, string, string?]> = [
    ['home', '/'],
    ['browse', '/jobs'],
    ['job', `/jobs/${job!.id}`],
    ['job*', `/jobs/${job!.id}`, 'maria_nahuatl']
  ]

  async function measure(path: string, username?: string): Promise<Run> {
    // A new context each time: nothing cached, as on a first visit. No service worker either: the login page
    // would install it, and what it answers from its cache never reaches this page's byte count.
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true, serviceWorkers: 'block' })
    const page = await context.newPage()
    const cdp = await context.newCDPSession(page)
    if (username) {
      await page.goto(`${base}/login`)
      await page.locator('#f-username').fill(username)
      await page.locator('#f-password').fill('demo123')
      await page.locator('button[type=submit][data-audio-slug="login.submit"]').click()
      await page.waitForURL(/\/dashboard/)
      await cdp.send('Network.clearBrowserCache')
    }
    await cdp.send('Network.enable')
    await cdp.send('Network.emulateNetworkConditions', SLOW_4G)
    await cdp.send('Emulation.setCPUThrottlingRate', { rate: CPU_SLOWDOWN })
    const urls = new Map<string, { url: string; encoding: string; cache: string }>()
    const sizes = new Map<string, number>()
    cdp.on('Network.responseReceived', (e) => {
      const headers = Object.fromEntries(Object.entries(e.response.headers).map(([k, v]) => [k.toLowerCase(), String(v)]))
      urls.set(e.requestId, { url: e.response.url, encoding: headers['content-encoding'] ?? 'identity', cache: headers['cache-control'] ?? '' })
    })
    cdp.on('Network.loadingFinished', (e) => sizes.set(e.requestId, e.encodedDataLength))
    await page.addInitScript(`
      window.__lcp = 0;
      new PerformanceObserver((list) => { for (const e of list.getEntries()) window.__lcp = e.startTime }).observe({ type: 'largest-contentful-paint', buffered: true });
    `)
    await page.goto(`${base}${path}`, { waitUntil: 'load' })
    // LCP is final once the page is idle; the first input would also end it, and there is none.
    await page.waitForLoadState('networkidle')
    const lcpMs = await page.evaluate<number>('window.__lcp')
    if (username && (await page.locator('[data-audio-slug="nav.logout"]').count()) === 0) throw new Error(`not signed in as ${username}`)
    await context.close()
    const resources = [...sizes].map(([id, bytes]) => ({ url: urls.get(id)?.url ?? id, encoding: urls.get(id)?.encoding ?? '?', cache: urls.get(id)?.cache ?? '', bytes }))
    return { bytes: resources.reduce((a, r) => a + r.bytes, 0), lcpMs, resources }
  }

  // Warm the server (first renders compile templates and fill caches); browsers still start cold.
  for (const [, path] of pages) await fetch(`${base}${path}`).then((r) => r.arrayBuffer())

  const rows: Array<{ name: string; bytes: number; lcp: number; detail: Run['resources'] }> = []
  for (const [name, path, username] of pages) {
    const runs: Run[] = []
    for (let i = 0; i < RUNS; i++) runs.push(await measure(path, username))
    rows.push({ name, bytes: median(runs.map((r) => r.bytes)), lcp: median(runs.map((r) => r.lcpMs)), detail: runs[0]!.resources })
  }

  console.log(`\nFirst load in Chromium, slow 4G (${SLOW_4G.latency} ms, 1.6 Mbps down, 750 kbps up), CPU ${CPU_SLOWDOWN}× slower; median of ${RUNS} cold runs\n`)
  const pad = (s: string, n: number) => s.padEnd(n)
  console.log(`${pad('page', 8)}${pad('bytes', 12)}${pad('goal', 10)}${pad('ratio', 8)}${pad('LCP', 10)}${pad('goal', 8)}${pad('ratio', 8)}`)
  for (const r of rows) {
    const byteRatio = r.bytes / GOAL_BYTES
    const lcpRatio = r.lcp / GOAL_LCP_MS
    if (byteRatio > 1 || lcpRatio > 1 || r.lcp <= 0) failed = true
    console.log(
      `${pad(r.name, 8)}${pad(`${(r.bytes / 1024).toFixed(1)} KB`, 12)}${pad('150 KB', 10)}${pad(byteRatio.toFixed(2), 8)}` +
        `${pad(`${(r.lcp / 1000).toFixed(2)} s`, 10)}${pad('2.5 s', 8)}${pad(lcpRatio.toFixed(2), 8)}${byteRatio > 1 || lcpRatio > 1 ? 'MISSED' : 'ok'}`
    )
  }
  console.log('(job* = the same job page signed in as a creator, cache emptied after logging in)')
  console.log('\nWhat the first load transfers (first run):')
  for (const r of rows) {
    for (const d of r.detail) {
      // Static files must be compressed and cache-busted: a content hash in the URL and a year of max-age.
      const isStatic = d.url.startsWith(`${base}/static/`)
      const staticOk = !isStatic || (d.encoding !== 'identity' && /[?&]v=[0-9a-f]{8,}/.test(d.url) && /max-age=31536000/.test(d.cache) && /immutable/.test(d.cache))
      if (!staticOk) failed = true
      console.log(`  ${pad(r.name, 8)}${pad(`${(d.bytes / 1024).toFixed(1)} KB`, 10)}${pad(d.encoding, 10)}${pad(d.url.replace(base, ''), 52)}${d.cache}${staticOk ? '' : '  ← static file not compressed or not cache-busted'}`)
    }
  }
  console.log(failed ? '\nA goal was missed.' : '\nEvery goal met.')

  // The repeat visit with a warm service worker, and the upload, on 2G (figures, no goal).
  const [maria] = await database.db.select().from(users).where(eq(users.username, 'maria_nahuatl'))
  const [applied] = await database.db.select().from(applications).where(eq(applications.applicantId, maria!.id)).limit(1)
  await benchTwoG({ browser, base, creator: 'maria_nahuatl', password: 'demo123', jobPath: `/jobs/${applied!.jobId}`, runs: Math.min(RUNS, 3) })
} finally {
  await browser.close()
  await web.stop()
  await database.close()
  await rm(config.uploadDir, { recursive: true, force: true })
}
process.exit(failed ? 1 : 0)
