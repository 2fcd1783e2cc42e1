/**
 * bench:page on 2G (issue 13): what a creator's repeat visit costs once the service worker is warm, and what
 * a 3 MB recording costs to upload with one drop in the middle — by tus (resumes where it stopped) beside the
 * same upload as one request started again from zero. The network is apps/web/bench/link.ts: 300 kbps each
 * way, 400 ms round trip, for the page and its service worker alike; bytes are counted on that line (what
 * the worker fetches for the page included, what it answers from its cache not).
 */
import type { Browser, Page } from 'playwright-core'
import { Upload } from 'tus-js-client'
import { openLink, type Link } from './link.ts'
import { makeWav } from '../test/audio-fixtures.ts'

const TWO_G = { bitsPerSecond: 300_000, rttMs: 400 }
const CPU_SLOWDOWN = 4
const RECORDING_BYTES = 3 * 1024 * 1024
const CHUNK = 256 * 1024
const DROP_MS = 2000

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!

/** Until nothing has crossed the line for a second (the worker may still be storing what a page named). */
async function quiet(link: Link): Promise<void> {
  for (let last = -1, since = Date.now(); Date.now() - since < 1000; ) {
    await new Promise((r) => setTimeout(r, 100))
    const now = link.bytes.down + link.bytes.up
    if (now !== last) [last, since] = [now, Date.now()]
  }
}

/** A WAV of exactly RECORDING_BYTES (16 kHz mono, 16 bit), a tone: what the fake microphone would give. */
const recording = () => makeWav((RECORDING_BYTES - 44) / 2 / 16000, { sampleRate: 16000, frequency: 330 })

interface Sent { seconds: number; attempts: number; upBytes: number }

/** One upload to /uploads; the line is cut (DROP_MS) once half the recording has crossed it. */
function upload(link: Link, headers: Record<string, string>, resumable: boolean): Promise<Sent> {
  const file = recording()
  const started = Date.now()
  const upAtStart = link.bytes.up
  let attempts = 0
  let dropped = false
  const watch = setInterval(() => {
    if (!dropped && link.bytes.up - upAtStart >= RECORDING_BYTES / 2) {
      dropped = true
      link.cut(DROP_MS)
    }
  }, 20)
  return new Promise<Sent>((resolve, reject) => {
    const attempt = () => {
      attempts++
      const u = new Upload(file, {
        endpoint: `${link.url}/uploads`,
        headers,
        metadata: { kind: 'audio', filename: 'recording.wav', filetype: 'audio/wav' },
        // tus: 256 KB PATCHes as the page sends them, retried through the drop (HEAD, then on from the offset).
        // One request: the whole file in one PATCH, and after a failure a new upload from the first byte.
        chunkSize: resumable ? CHUNK : Infinity,
        retryDelays: resumable ? [500, 1000, 2000, 4000, 8000] : null,
        storeFingerprintForResuming: false,
        onSuccess: () => {
          clearInterval(watch)
          resolve({ seconds: (Date.now() - started) / 1000, attempts, upBytes: link.bytes.up - upAtStart })
        },
        onError: (e) => {
          const status = (e as { originalResponse?: { getStatus(): number } | null }).originalResponse?.getStatus() ?? 0
          if (resumable || status >= 400 || attempts >= 3) {
            clearInterval(watch)
            return reject(e)
          }
          const wait = () => (link.isCut() ? setTimeout(wait, 100) : attempt())
          wait()
        }
      })
      u.start()
    }
    attempt()
  })
}

export async function benchTwoG(options: { browser: Browser; base: string; creator: string; password: string; jobPath: string; runs: number }): Promise<void> {
  const link = await openLink(new URL(options.base))
  const context = await options.browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true })
  try {
    const page: Page = await context.newPage()
    await page.goto(`${link.url}/login`)
    await page.locator('#f-username').fill(options.creator)
    await page.locator('#f-password').fill(options.password)
    await page.locator('button[type=submit][data-audio-slug="login.submit"]').click()
    await page.waitForURL(/\/dashboard/)
    // Once the worker is active, a page loaded from then on is its.
    await page.evaluate('navigator.serviceWorker.ready.then(() => true)')
    await page.reload()
    if (!(await page.evaluate<boolean>('!!navigator.serviceWorker.controller'))) throw new Error('the service worker did not take the page')
    const pages: Array<[string, string]> = [['home', '/'], ['work', '/dashboard/work'], ['job', options.jobPath]]
    // Warm: each page once under the worker (it keeps the page and the static files it names).
    for (const [, path] of pages) await page.goto(`${link.url}${path}`, { waitUntil: 'networkidle' })
    await quiet(link)

    const cdp = await context.newCDPSession(page)
    await cdp.send('Emulation.setCPUThrottlingRate', { rate: CPU_SLOWDOWN })
    await page.addInitScript(`
      window.__lcp = 0;
      new PerformanceObserver((list) => { for (const e of list.getEntries()) window.__lcp = e.startTime }).observe({ type: 'largest-contentful-paint', buffered: true });
    `)
    link.shape(TWO_G)
    const rows: Array<{ name: string; down: number; up: number; lcp: number; fromWorker: number; requests: string[] }> = []
    for (const [name, path] of pages) {
      const runs: Array<{ down: number; up: number; lcp: number; fromWorker: number }> = []
      const firstRequest = link.requests.length
      let requests: string[] = []
      for (let i = 0; i < options.runs; i++) {
        const before = { ...link.bytes }
        let fromWorker = 0
        const count = (r: { fromServiceWorker(): boolean }) => void (r.fromServiceWorker() && fromWorker++)
        page.on('response', count)
        await page.goto(`${link.url}${path}`, { waitUntil: 'load' })
        await page.waitForLoadState('networkidle')
        const lcp = await page.evaluate<number>('window.__lcp')
        await quiet(link)
        page.off('response', count)
        if (!(await page.locator('#offline-banner').isHidden())) throw new Error(`${path} was the offline copy, not a fresh answer`)
        runs.push({ down: link.bytes.down - before.down, up: link.bytes.up - before.up, lcp, fromWorker })
        if (i === 0) requests = link.requests.slice(firstRequest)
      }
      rows.push({ name, down: median(runs.map((r) => r.down)), up: median(runs.map((r) => r.up)), lcp: median(runs.map((r) => r.lcp)), fromWorker: median(runs.map((r) => r.fromWorker)), requests })
    }
    const pad = (s: string, n: number) => s.padEnd(n)
    console.log(`\nRepeat visit as ${options.creator}, service worker warm, 2G (300 kbps each way, 400 ms RTT, every byte through one line), CPU ${CPU_SLOWDOWN}×; median of ${options.runs}`)
    console.log(`${pad('page', 8)}${pad('down', 11)}${pad('up', 10)}${pad('LCP', 9)}responses from the worker`)
    for (const r of rows) console.log(`${pad(r.name, 8)}${pad(`${(r.down / 1024).toFixed(1)} KB`, 11)}${pad(`${(r.up / 1024).toFixed(1)} KB`, 10)}${pad(`${(r.lcp / 1000).toFixed(2)} s`, 9)}${r.fromWorker}`)
    console.log('What crossed the line (first run; the rest the worker answered from its cache):')
    for (const r of rows) console.log(`  ${pad(r.name, 6)}${r.requests.join(', ')}`)

    // The recording: the session's cookie and CSRF token, as the page's queue sends them.
    const cookie = (await context.cookies()).map((c) => `${c.name}=${c.value}`).join('; ')
    const csrf = await page.locator('input[name=_csrf]').first().inputValue()
    const headers = { cookie, 'csrf-token': csrf }
    const tus = await upload(link, headers, true)
    const whole = await upload(link, headers, false)
    console.log(`\nA 3 MB recording on that 2G line, cut for ${DROP_MS / 1000} s once half of it had crossed (sockets destroyed, new ones refused):`)
    console.log(`  tus, 256 KB chunks, resumed   ${tus.seconds.toFixed(1)} s   ${(tus.upBytes / 1024 / 1024).toFixed(2)} MB sent`)
    console.log(`  one request, restarted        ${whole.seconds.toFixed(1)} s   ${(whole.upBytes / 1024 / 1024).toFixed(2)} MB sent (${whole.attempts} attempts)`)
    console.log(`  (the line alone: ${((RECORDING_BYTES * 8) / TWO_G.bitsPerSecond).toFixed(1)} s for 3 MB)`)
  } finally {
    await context.close()
    await link.close()
  }
}
