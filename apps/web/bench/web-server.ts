/**
 * The server side of `npm run bench:web`, alone in its own process (web.ts starts it and drives the load
 * from its own). Seeds BENCH_JOBS jobs, serves the marketplace on one port and the same pages' bytes as
 * static files on another (the ceiling: the same Fastify stack, no database, no rendering), and records a
 * CPU profile when asked — the same .cpuprofile as `node --cpu-prof`, but only around one page's load,
 * without start-up and seeding. Talks to web.ts over the IPC channel.
 */
import { mkdtempSync, writeFileSync, rmSync, mkdirSync } from 'node:fs'
import { brotliCompressSync, gzipSync, constants as zlib } from 'node:zlib'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Session } from 'node:inspector/promises'
import { sql } from 'drizzle-orm'
import Fastify from 'fastify'
import fastifyStatic from '@fastify/static'
import { createLogger, createTestDatabase, queryRows } from '@voces/platform'
import { buildWebApp } from '../src/app.ts'
import { testWebConfig } from '../src/config.ts'
import { createFakePaymentsClient } from '../src/payments-client/fake.ts'

const JOBS = Number(process.env.BENCH_JOBS ?? 100_000)
// Titles and descriptions from a small vocabulary, so that a searched word matches a realistic share
// of the jobs (each word is in about 1 job in 25), not all of them or none.
const WORDS = ['canción', 'cuento', 'refrán', 'saludo', 'receta', 'oración', 'leyenda', 'adivinanza', 'poema', 'noticia', 'diálogo', 'mercado', 'cosecha', 'medicina', 'fiesta', 'abuela', 'río', 'montaña', 'maíz', 'tejido', 'música', 'danza', 'escuela', 'familia', 'camino']

const send = (message: unknown) => process.send!(message)
const database = await createTestDatabase()
const config = testWebConfig({ host: '127.0.0.1', schedulerEnabled: false })
const web = await buildWebApp({ config, database, logger: createLogger({ level: 'silent' }), paymentsClient: createFakePaymentsClient() })
const base = await web.start()
const dir = mkdtempSync(join(tmpdir(), 'voces-bench-'))
const statics = Fastify()
const inspector = new Session()
inspector.connect()

async function cleanup() {
  await statics.close()
  await web.stop()
  await database.close()
  rmSync(dir, { recursive: true, force: true })
  rmSync(config.uploadDir, { recursive: true, force: true })
}

try {
  const words = sql.raw(`(array[${WORDS.map((w) => `'${w}'`).join(',')}])`)
  await database.db.execute(sql`insert into web.users (username, password_hash, display_name, is_funder) values ('bench_owner', 'x', 'Bench', true)`)
  await database.db.execute(sql`
    insert into web.jobs (owner_id, title, description, dialect, language, deliverable_types, amount_per_person, asset_code, asset_scale,
      max_responses, recruit_limit, recruit_deadline, submit_limit, submit_days, expires_at, state, published_at)
    select (select id from web.users where username = 'bench_owner'),
      initcap(${words}[1 + g % 25]) || ' de la ' || ${words}[1 + (g / 25) % 25] || ' ' || g,
      'Grabar una ' || ${words}[1 + (g / 7) % 25] || ' sobre la ' || ${words}[1 + (g / 3) % 25] || ' del pueblo, trabajo ' || g,
      (array['', 'Huasteca', 'Sierra Norte', 'del Valle'])[1 + g % 4],
      (array['nah','ot','maz','qu','es','en'])[1 + g % 6], array['audio'], 1000 + g % 500, 'MXN', 2,
      2, 6, now() + interval '10 days', 2, 7, now() + interval '40 days',
      case when g % 10 = 0 then 'draft' when g % 10 < 6 then 'recruiting' else 'complete' end,
      now() - (g || ' seconds')::interval
    from generate_series(1, ${JOBS}) g`)
  // As autovacuum would soon after a bulk load: statistics, and the search index's pending list merged.
  await database.db.execute(sql`vacuum analyze web.jobs`)
  const [one] = await queryRows<{ id: string }>(database.db, sql`select id from web.jobs where state = 'recruiting' limit 1`)
  // The third page of browsing, reached as a person does: the first page's "next" link, then its "next".
  let third = '/jobs'
  for (let i = 0; i < 2; i++) {
    const next = /href="([^"]+)" rel="next"/.exec(await (await fetch(`${base}${third}`)).text())
    if (!next) throw new Error(`${third} has no next link`)
    third = next[1]!.replaceAll('&amp;', '&')
  }
  const pages = { browse: `${base}${third}`, job: `${base}/jobs/${one!.id}`, search: `${base}/jobs?q=${encodeURIComponent('cancion mercado')}` }
  for (const [name, url] of Object.entries(pages)) {
    const res = await fetch(url)
    if (res.status !== 200) throw new Error(`${url} answered ${res.status}`)
    // The ceiling sends what a browser is sent: the page compressed (brotli 11 / gzip 9, made once), not 27 KB of HTML.
    const html = Buffer.from(await res.text())
    writeFileSync(join(dir, `${name}.html`), html)
    writeFileSync(join(dir, `${name}.html.br`), brotliCompressSync(html, { params: { [zlib.BROTLI_PARAM_QUALITY]: 11 } }))
    writeFileSync(join(dir, `${name}.html.gz`), gzipSync(html, { level: 9 }))
  }
  // A person signed in: her pages are rendered for her at every request (http/public-pages.ts serves only visitors).
  await database.db.execute(sql`insert into web.users (username, password_hash, display_name, is_creator) values ('bench_creator', 'x', 'Creadora', true)`)
  const [creator] = await queryRows<{ id: string }>(database.db, sql`select id from web.users where username = 'bench_creator'`)
  const signedIn = await web.services.sessions.create(creator!.id)
  await statics.register(fastifyStatic, { root: dir, preCompressed: true })
  const staticBase = await statics.listen({ host: '127.0.0.1', port: 0 })
  const statik = Object.fromEntries(Object.keys(pages).map((name) => [name, `${staticBase}/${name}.html`]))
  send({ type: 'ready', kind: database.kind, jobs: JOBS, pages, statics: statik, cookie: `sid=${signedIn.token}` })
} catch (error) {
  console.error(error)
  await cleanup()
  process.exit(1)
}

process.on('message', async (message: { type: string; file?: string }) => {
  if (message.type === 'profile-start') {
    await inspector.post('Profiler.enable')
    await inspector.post('Profiler.start')
    send({ type: 'profiling' })
  } else if (message.type === 'profile-stop') {
    const { profile } = await inspector.post('Profiler.stop')
    mkdirSync(join(message.file!, '..'), { recursive: true })
    writeFileSync(message.file!, JSON.stringify(profile))
    send({ type: 'profiled' })
  } else if (message.type === 'cpu') {
    // CPU time of this whole process (every thread), so the cost of a request survives a busy machine.
    const usage = process.cpuUsage()
    send({ type: 'cpu', ms: (usage.user + usage.system) / 1000 })
  } else if (message.type === 'exit') {
    inspector.disconnect()
    await cleanup()
    process.exit(0)
  }
})
