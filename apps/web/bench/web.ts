/**
 * `npm run bench:web`: requests per second and p99 latency of the browse, job and search pages with
 * BENCH_JOBS (100,000) jobs, next to the same bytes served as static files by the same server stack, and
 * the ratios beside the goals of issue 14, each page asked by a visitor without a session (a public page,
 * served from memory: http/public-pages.ts) and by a person signed in (rendered for her at every request).
 * Honest by construction: the server runs alone in its own process (web-server.ts), the load comes from
 * this one (autocannon), one page at a time after a discarded warm-up; the static ceiling sends the same
 * pages precompressed. Then each signed-in page is loaded once more under V8's CPU profiler: artifacts/bench-web/<page>.cpuprofile
 * (open it in Chrome DevTools → Performance, or speedscope) and a summary of the main thread's time per
 * request is printed. PostgreSQL when DATABASE_URL is set, else an in-memory PGlite.
 *   BENCH_JOBS (100000)  BENCH_SECONDS (5)  BENCH_CONNECTIONS (16)  BENCH_ENCODING ('gzip, deflate, br')
 *   BENCH_PROFILE=0 skips the profiles.
 */
import { fork } from 'node:child_process'
import { once } from 'node:events'
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { dirname, join, relative } from 'node:path'
import { cpus, loadavg } from 'node:os'
// @ts-expect-error autocannon ships no types; only its documented result fields are read below.
import autocannon from 'autocannon'
import { askChild } from '@voces/platform'
import { summarise } from './cpu-profile.ts'

const here = dirname(fileURLToPath(import.meta.url))
const ARTIFACTS = join(here, '..', '..', '..', 'artifacts', 'bench-web')
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5)
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 16)
const ENCODING = process.env.BENCH_ENCODING ?? 'gzip, deflate, br'
const PROFILE = process.env.BENCH_PROFILE !== '0'

type Page = 'browse' | 'job' | 'search'
interface Ready { type: 'ready'; kind: 'embedded' | 'postgres'; jobs: number; pages: Record<Page, string>; statics: Record<Page, string>; cookie: string }
/** Who asks: a visitor without a session (public pages, served from memory) or a person signed in (rendered for her). */
type Audience = 'visitor' | 'signed in'
interface Load { cpuMs: number; rps: number; p50: number; p99: number; bytes: number; requests: number }

// The goals of issue 14: dynamic/static throughput and p99 on PostgreSQL; on embedded PGlite, the ratio only.
const GOALS: Record<'embedded' | 'postgres', Record<Page, { ratio?: number; p99?: number }>> = {
  postgres: { browse: { ratio: 0.5, p99: 30 }, job: { ratio: 0.6, p99: 20 }, search: { p99: 30 } },
  embedded: { browse: { ratio: 0.3 }, job: { ratio: 0.3 }, search: { p99: 30 } }
}

async function load(url: string, seconds = SECONDS, cookie?: string): Promise<Load> {
  const cpuBefore = await serverCpuMs()
  const headers = { 'accept-encoding': ENCODING, ...(cookie ? { cookie } : {}) }
  const result = await autocannon({ url, connections: CONNECTIONS, duration: seconds, headers })
  if (result.non2xx > 0 || result.errors > 0 || result.timeouts > 0) {
    throw new Error(`${url}: ${result.non2xx} non-2xx answers, ${result.errors} errors, ${result.timeouts} timeouts`)
  }
  const cpuMs = ((await serverCpuMs()) - cpuBefore) / result.requests.total
  return { cpuMs, rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, bytes: Math.round(result.throughput.total / result.requests.total), requests: result.requests.total }
}



/** The server process's CPU time so far (all its threads), in ms. */
const serverCpuMs = async () => (await askChild<{ ms: number }>(server, { type: 'cpu' }, 'cpu')).ms

const server = fork(join(here, 'web-server.ts'), { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'], env: process.env })
const exited = once(server, 'exit')
try {
  console.log(`starting the server and seeding ${process.env.BENCH_JOBS ?? 100_000} jobs…`)
  const ready = await Promise.race([
    once(server, 'message').then(([m]) => m as Ready),
    exited.then(([code]) => Promise.reject(new Error(`the server exited with ${code}`)))
  ])
  const goals = GOALS[ready.kind]
  console.log(
    `${ready.jobs} jobs on ${ready.kind === 'postgres' ? 'PostgreSQL' : 'embedded PGlite'}; ${CONNECTIONS} connections, ${SECONDS} s a run, ` +
      `accept-encoding: ${ENCODING}; ${cpus().length} cores, load average ${loadavg()[0]!.toFixed(2)}\n`
  )
  const pad = (s: string | number, n: number) => String(s).padStart(n)
  console.log('page               | dynamic rps | p50 ms | p99 ms | static rps | p99 ms |  bytes | dynamic/static | goal            | met | server CPU ms/req dynamic, static, ratio')
  const missed: string[] = []
  for (const name of Object.keys(ready.pages) as Page[]) {
    await load(ready.statics[name], 1)
    const stat = await load(ready.statics[name])
    for (const audience of ['visitor', 'signed in'] as Audience[]) {
      const cookie = audience === 'signed in' ? ready.cookie : undefined
      await load(ready.pages[name], 1, cookie) // warm-up: compiled templates, caches, JIT
      const dynamic = await load(ready.pages[name], SECONDS, cookie)
      const ratio = dynamic.rps / stat.rps
      const goal = goals[name]
      const met = (goal.ratio === undefined || ratio >= goal.ratio) && (goal.p99 === undefined || dynamic.p99 < goal.p99)
      if (!met) missed.push(`${name} (${audience})`)
      const goalText = [goal.ratio !== undefined ? `≥ ${goal.ratio}` : '', goal.p99 !== undefined ? `p99 < ${goal.p99}` : ''].filter(Boolean).join(', ')
      console.log(
        `${`${name} (${audience})`.padEnd(18)} | ${pad(dynamic.rps.toFixed(0), 11)} | ${pad(dynamic.p50.toFixed(0), 6)} | ${pad(dynamic.p99.toFixed(0), 6)} | ${pad(stat.rps.toFixed(0), 10)} | ` +
          `${pad(stat.p99.toFixed(0), 6)} | ${pad(dynamic.bytes, 6)} | ${pad(ratio.toFixed(2), 14)} | ${goalText.padEnd(15)} | ${met ? 'yes' : ' NO'} | ` +
          `${dynamic.cpuMs.toFixed(2)}, ${stat.cpuMs.toFixed(2)}, ${(stat.cpuMs / dynamic.cpuMs).toFixed(2)}`
      )
    }
  }
  console.log('(visitor: no session, the page served from memory for WEB_PUBLIC_PAGE_TTL_MS; signed in: rendered for her at every request.')
  console.log(' static: the same bytes precompressed from disk by @fastify/static. search = /jobs?q=cancion mercado; autocannon latencies are')
  console.log(' whole milliseconds. The CPU ratio, static/dynamic CPU per')
  console.log(' request of the server process, is what the throughput ratio tends to on a quiet machine and holds on a busy one; on PostgreSQL the')
  console.log(' database server\'s own CPU is not in it.)')

  if (PROFILE) {
    console.log(`\nWhere a signed-in person's page's main-thread time goes (V8 CPU profile, ${SECONDS} s of load each):`)
    for (const name of Object.keys(ready.pages) as Page[]) {
      const file = join(ARTIFACTS, `${name}.cpuprofile`)
      await askChild(server, { type: 'profile-start' }, 'profiling')
      const run = await load(ready.pages[name], SECONDS, ready.cookie)
      await askChild(server, { type: 'profile-stop', file }, 'profiled')
      const summary = summarise(JSON.parse(readFileSync(file, 'utf8')))
      console.log(`\n${name}: ${(summary.busyMs / run.requests).toFixed(2)} ms of main-thread CPU per request (${run.requests} requests) → ${relative(process.cwd(), file)}`)
      console.log(`  by area:     ${summary.areas.slice(0, 8).map((a) => `${a.name} ${((100 * a.ms) / summary.busyMs).toFixed(0)}%`).join(', ')}`)
      for (const f of summary.functions.slice(0, 6)) console.log(`  ${pad(((100 * f.ms) / summary.busyMs).toFixed(1), 5)}%  ${f.name}`)
    }
  }
  console.log(missed.length ? `\nGoals missed: ${missed.join(', ')} (on a quiet machine? see the load average above).` : '\nEvery goal met.')
} finally {
  if (server.connected) server.send({ type: 'exit' })
  await exited
}
