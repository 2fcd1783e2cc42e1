/**
 * `npm run bench:web -w @voces/web`: requests per second and p99 latency of the browse and job pages
 * with 100,000 jobs, next to the same bytes served as a static file by the same server stack, and the ratio.
 * Uses PostgreSQL when DATABASE_URL is set, else an in-memory PGlite. BENCH_JOBS, BENCH_SECONDS and
 * BENCH_CONNECTIONS change the size of the run.
 */
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { sql } from 'drizzle-orm'
import Fastify from 'fastify'
import fastifyStatic from '@fastify/static'
import { createLogger, createTestDatabase, queryRows } from '@voces/platform'
import { buildWebApp } from '../src/app.ts'
import { testWebConfig } from '../src/config.ts'
import { createFakePaymentsClient } from '../src/payments-client/fake.ts'

const JOBS = Number(process.env.BENCH_JOBS ?? 100_000)
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5)
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 16)

async function load(url: string): Promise<{ rps: number; p99: number; bytes: number }> {
  const latencies: number[] = []
  let bytes = 0
  const end = Date.now() + SECONDS * 1000
  await Promise.all(
    Array.from({ length: CONNECTIONS }, async () => {
      while (Date.now() < end) {
        const start = performance.now()
        const res = await fetch(url, { headers: { 'accept-encoding': process.env.BENCH_ENCODING ?? 'gzip, deflate, br' } })
        const body = await res.arrayBuffer()
        if (res.status !== 200) throw new Error(`${url} answered ${res.status}`)
        latencies.push(performance.now() - start)
        bytes = body.byteLength
      }
    })
  )
  latencies.sort((a, b) => a - b)
  return { rps: latencies.length / SECONDS, p99: latencies[Math.floor(latencies.length * 0.99)] ?? 0, bytes }
}

const database = await createTestDatabase()
const config = testWebConfig()
const web = await buildWebApp({ config, database, logger: createLogger({ level: 'silent' }), paymentsClient: createFakePaymentsClient() })
const base = await web.start()
const dir = mkdtempSync(join(tmpdir(), 'voces-bench-'))
try {
  console.log(`seeding ${JOBS} jobs on ${database.kind}…`)
  await database.db.execute(sql`insert into web.users (username, password_hash, display_name, is_funder) values ('bench_owner', 'x', 'Bench', true)`)
  await database.db.execute(sql`
    insert into web.jobs (owner_id, title, description, language, deliverable_types, amount_per_person, asset_code, asset_scale,
      max_responses, recruit_limit, recruit_deadline, submit_limit, submit_days, expires_at, state, published_at)
    select (select id from web.users where username = 'bench_owner'), 'Trabajo de prueba ' || g, 'Descripción del trabajo ' || g,
      (array['nah','ot','maz','qu','es','en'])[1 + g % 6], array['audio'], 1000 + g % 500, 'MXN', 2,
      2, 6, now() + interval '10 days', 2, 7, now() + interval '40 days',
      case when g % 10 = 0 then 'draft' when g % 10 < 6 then 'recruiting' else 'complete' end,
      now() - (g || ' seconds')::interval
    from generate_series(1, ${JOBS}) g`)
  await database.db.execute(sql`analyze web.jobs`)
  const [one] = await queryRows<{ id: string }>(database.db, sql`select id from web.jobs where state = 'recruiting' limit 1`)
  const jobId = one!.id

  const pages = { browse: `${base}/jobs?page=3`, job: `${base}/jobs/${jobId}` }
  const statics = Fastify()
  for (const [name, url] of Object.entries(pages)) writeFileSync(join(dir, `${name}.html`), await (await fetch(url)).text())
  await statics.register(fastifyStatic, { root: dir })
  const staticBase = await statics.listen({ host: '127.0.0.1', port: 0 })

  console.log(`${CONNECTIONS} connections, ${SECONDS}s each\n`)
  console.log('page     | dynamic rps | p99 ms | static rps | p99 ms | bytes | dynamic/static rps')
  for (const [name, url] of Object.entries(pages)) {
    await load(url) // warm-up round is discarded
    const dynamic = await load(url)
    const stat = await load(`${staticBase}/${name}.html`)
    console.log(
      `${name.padEnd(8)} | ${dynamic.rps.toFixed(0).padStart(11)} | ${dynamic.p99.toFixed(1).padStart(6)} | ${stat.rps.toFixed(0).padStart(10)} | ${stat.p99.toFixed(1).padStart(6)} | ${String(dynamic.bytes).padStart(5)} | ${(dynamic.rps / stat.rps).toFixed(2)}`
    )
  }
  await statics.close()
} finally {
  await web.stop()
  await database.close()
  rmSync(dir, { recursive: true, force: true })
}
