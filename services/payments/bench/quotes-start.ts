/**
 * `npm run bench:payments` — a benchmark, not a test. Starts a sandbox wallet and the payments service
 * in this process (real HTTP, real SDK, in-memory database) and drives the load from a separate process
 * (bench/quotes-load.ts), measuring side by side:
 *   service:  POST /offers/:id/quotes/start (warm caches)
 *   baseline: the same Open Payments calls made with the SDK in the naive sequential order of the
 *             SDK's peer-to-peer example (wallet addresses, incoming grant, incoming payment,
 *             quote grant, quote, outgoing-payment grant), nothing cached.
 * Sequential wallet round trips on the critical path are measured, not assumed: the sandbox adds
 * BENCH_LATENCY_MS to every Open Payments request, and (p50 with latency − p50 without) / latency
 * is the number of round trips the caller waited for one after another.
 * Prints the figures of issue 14's table beside their goals.
 *
 *   BENCH_STARTS (60)  BENCH_CONCURRENCY (8)  BENCH_LATENCY_MS (150)
 */
import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { startHarness } from '../test/harness.ts'
import { defaultConfig } from '../src/config.ts'
import type { LoadFigures, LoadTarget, Stats } from './quotes-load.ts'

const STARTS = Number(process.env.BENCH_STARTS ?? 60)
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 8)
const LATENCY = Number(process.env.BENCH_LATENCY_MS ?? 150)

/** Runs the load process and reads its one line of figures. */
function runLoad(target: LoadTarget): Promise<LoadFigures> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('./quotes-load.ts', import.meta.url))], {
      env: { ...process.env, BENCH_TARGET: JSON.stringify(target) },
      stdio: ['ignore', 'pipe', 'inherit']
    })
    let out = ''
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()))
    child.on('error', reject)
    child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out.trim().split('\n').pop()!) as LoadFigures) : reject(new Error(`load process exited with ${code}`))))
  })
}

async function main() {
  // The service's own poll interval (the test harness polls every 50 ms to make tests quick).
  const h = await startHarness({ worker: { ...defaultConfig({ apiToken: 'unused' }).worker } })
  try {
    const buyer = await h.buyer('MXN', 10_000_000_00n)
    const f = await runLoad({
      paymentsUrl: h.baseUrl,
      token: h.token,
      sandboxUrl: h.sandbox.baseUrl,
      sandboxAdminToken: h.sandbox.adminToken,
      buyerUrl: buyer.url,
      seller: { url: h.seller.url, keyId: h.seller.keyId, privateKeyPath: h.seller.privateKeyPath },
      starts: STARTS,
      concurrency: CONCURRENCY,
      latencyMs: LATENCY
    })
    const trips = (slow: Stats, fast: Stats) => (slow.p50 - fast.p50) / LATENCY
    const ms = (n: number) => n.toFixed(1).padStart(8)
    const line = (name: string, s: Stats) => `${name.padEnd(28)} ${s.perSecond.toFixed(1).padStart(9)} ${ms(s.p50)} ${ms(s.p99)}`
    console.log(`\nquotes/start: ${STARTS} starts one at a time, ${STARTS} at concurrency ${CONCURRENCY}; load from a separate process\n`)
    console.log(`${''.padEnd(28)} ${'starts/s'.padStart(9)} ${'p50 ms'.padStart(8)} ${'p99 ms'.padStart(8)}`)
    console.log(line('service, one at a time', f.sequential.service))
    console.log(line('baseline, one at a time', f.sequential.baseline))
    console.log(line(`service, ${CONCURRENCY} at once`, f.concurrent.service))
    console.log(line(`baseline, ${CONCURRENCY} at once`, f.concurrent.baseline))
    console.log(line(`service, +${LATENCY} ms per wallet call`, f.withLatency.service))
    console.log(line(`baseline, +${LATENCY} ms per wallet call`, f.withLatency.baseline))

    const throughput = f.concurrent.service.perSecond / f.concurrent.baseline.perSecond
    const p99 = f.concurrent.service.p99 / f.concurrent.baseline.p99
    const p50Faster = f.sequential.baseline.p50 / f.sequential.service.p50
    const serviceTrips = Math.round(trips(f.withLatency.service, f.sequential.service))
    const baselineTrips = Math.round(trips(f.withLatency.baseline, f.sequential.baseline))
    const rows: Array<[string, string, string, boolean]> = [
      [
        "payment starts per second vs the SDK's naive sequential flow",
        `${throughput.toFixed(2)}× (p99 ${p99.toFixed(2)}× at ${CONCURRENCY} at once; p50 ${p50Faster.toFixed(2)}× faster one at a time)`,
        '≥ 2× throughput, p99 ≤ 0.5×',
        throughput >= 2 && p99 <= 0.5
      ],
      [
        'sequential wallet round trips before the funder can be redirected',
        `${serviceTrips} (baseline ${baselineTrips})`,
        '3 with the quote shown first; 2 where the grant can be requested with the quote',
        serviceTrips <= 3
      ]
    ]
    console.log('\n| figure | now | goal | met |\n|---|---|---|---|')
    for (const [figure, now, goal, met] of rows) console.log(`| ${figure} | ${now} | ${goal} | ${met ? 'yes' : 'no'} |`)
  } finally {
    await h.close()
  }
}

main().catch((error: unknown) => {
  console.error(error)
  process.exit(1)
})
