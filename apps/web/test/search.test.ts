import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { sql } from 'drizzle-orm'
import { createTestClock, queryRows } from '@voces/platform'
import { startTestWeb, type TestWeb } from './helpers.ts'

// Job search through the real browse page (issue 14): accents and case ignored, Spanish and English stems,
// title, dialect and description searched, best matches first. Runs on PGlite and on PostgreSQL.
let t: TestWeb
const clock = createTestClock()

const JOBS: Array<{ title: string; description: string; dialect?: string; state?: string; age: number }> = [
  { title: 'Canción de cuna', description: 'Una nana para dormir.', age: 50 },
  { title: 'Cuentos del pueblo', description: 'Tres cuentos; al final, una canción corta.', age: 1 },
  { title: 'Song recordings', description: 'Record three songs in your language.', age: 30 },
  { title: 'Saludos', description: 'Saludos cotidianos.', dialect: 'Huasteca', age: 20 },
  { title: 'Grabación de refranes', description: 'Refranes de la abuela.', age: 10 },
  { title: 'Canciones secretas', description: 'Borrador, nadie lo ve.', state: 'draft', age: 5 }
]

beforeAll(async () => {
  t = await startTestWeb({}, { clock })
  const db = t.database.db
  await db.execute(sql`insert into web.users (username, password_hash, display_name, is_funder) values ('search_owner', 'x', 'Owner', true)`)
  for (const j of JOBS) {
    await db.execute(sql`
      insert into web.jobs (owner_id, title, description, dialect, language, deliverable_types, amount_per_person, asset_code, asset_scale,
        max_responses, recruit_limit, recruit_deadline, submit_limit, submit_days, expires_at, state, published_at)
      values ((select id from web.users where username = 'search_owner'), ${j.title}, ${j.description}, ${j.dialect ?? ''}, 'nah', array['audio'],
        1000, 'MXN', 2, 2, 6, now() + interval '10 days', 2, 7, now() + interval '40 days', ${j.state ?? 'recruiting'},
        now() - make_interval(mins => ${j.age}))`)
  }
})

afterAll(async () => {
  await t?.close()
})

/** The titles of the jobs the browse page lists for a search, in the order shown. */
async function search(q: string): Promise<string[]> {
  const res = await fetch(`${t.baseUrl}/jobs?${new URLSearchParams({ q })}`)
  expect(res.status).toBe(200)
  const html = await res.text()
  return JOBS.map((j) => ({ title: j.title, at: html.indexOf(`>${j.title}<`) }))
    .filter((x) => x.at >= 0)
    .sort((a, b) => a.at - b.at)
    .map((x) => x.title)
}

describe('job search', () => {
  it('ignores accents and case, and ranks a match in the title above one in the description', async () => {
    // The description match is the newer job: only ranking puts the title match first.
    expect(await search('cancion')).toEqual(['Canción de cuna', 'Cuentos del pueblo'])
    expect(await search('CANCIÓN')).toEqual(['Canción de cuna', 'Cuentos del pueblo'])
  })

  it('stems Spanish and English words', async () => {
    expect(await search('canciones')).toEqual(['Canción de cuna', 'Cuentos del pueblo'])
    expect(await search('song')).toEqual(['Song recordings'])
    expect(await search('recording')).toEqual(['Song recordings'])
  })

  it('searches the dialect, needs every word, and takes the last word as a prefix', async () => {
    expect(await search('huasteca')).toEqual(['Saludos'])
    expect(await search('grab refranes')).toEqual([])
    expect(await search('refranes grab')).toEqual(['Grabación de refranes'])
    expect(await search('cancion pueblo')).toEqual(['Cuentos del pueblo'])
  })

  it('never shows drafts, and finds nothing for words no job has', async () => {
    expect(await search('secretas')).toEqual([])
    expect(await search('zanahoria')).toEqual([])
  })

  it('answers text search operators and stray symbols as plain words, never an error', async () => {
    for (const q of ["canción & | ! :* ( ' \\", '<script>', '!!!', 'de la', "o'brien", 'ñ'.repeat(100)]) {
      const res = await fetch(`${t.baseUrl}/jobs?${new URLSearchParams({ q })}`)
      expect(res.status, q).toBe(200)
    }
    // Operators are dropped: "!cuna" is the word cuna, not its negation.
    expect(await search('(cancion) & !cuna')).toEqual(['Canción de cuna'])
  })
})

describe('browse pages (keyset: a cursor in the URL, previous and next links)', () => {
  // 45 open jobs in Quechua, some published at the same instant (the id breaks the tie); searching
  // "paginado" finds 25 by their title and 10 more by their description only.
  beforeAll(async () => {
    await t.database.db.execute(sql`
      insert into web.jobs (owner_id, title, description, language, deliverable_types, amount_per_person, asset_code, asset_scale,
        max_responses, recruit_limit, recruit_deadline, submit_limit, submit_days, expires_at, state, published_at)
      select (select id from web.users where username = 'search_owner'),
        case when g <= 25 then 'Paginado ' || g else 'Lista ' || g end,
        case when g between 26 and 35 then 'Un trabajo paginado.' else 'Lista larga.' end,
        'qu', array['audio'], 1000, 'MXN', 2, 2, 6, now() + interval '10 days', 2, 7, now() + interval '40 days', 'recruiting',
        timestamptz '2026-01-01' - make_interval(secs => (g / 3) * 60)
      from generate_series(1, 45) g`)
  })

  const ids = (html: string) => [...html.matchAll(/<h2><a href="\/jobs\/([0-9a-f-]{36})"/g)].map((m) => m[1]!)
  const link = (html: string, rel: 'next' | 'prev') => [...html.matchAll(/href="([^"]+)" rel="(next|prev)"/g)].find((m) => m[2] === rel)?.[1]?.replaceAll('&amp;', '&')
  async function open(path: string) {
    const res = await fetch(`${t.baseUrl}${path}`)
    expect(res.status, path).toBe(200)
    const html = await res.text()
    return { html, ids: ids(html), next: link(html, 'next'), prev: link(html, 'prev') }
  }

  it('walks forward and back through every open job once, newest first, the page number in the label', async () => {
    const first = await open('/jobs?language=qu')
    expect(first.prev).toBeUndefined()
    expect(first.next).toMatch(/[?&]after=0\.\d+\.[0-9a-f-]{36}&page=2$/)
    const second = await open(first.next!)
    const third = await open(second.next!)
    expect([first.ids.length, second.ids.length, third.ids.length]).toEqual([20, 20, 5])
    expect(third.next).toBeUndefined()
    expect(third.html).toContain('Página 3 / 3')
    const all = [...first.ids, ...second.ids, ...third.ids]
    expect(new Set(all).size).toBe(45)
    // Newest first, ties by id: the same order the database gives.
    const expected = await queryRows<{ id: string }>(t.database.db, sql`select id from web.jobs where language = 'qu' and state = 'recruiting' order by published_at desc, id desc`)
    expect(all).toEqual(expected.map((r) => r.id))
    // Back: the same pages again.
    const back = await open(third.prev!)
    expect(back.ids).toEqual(second.ids)
    const start = await open(back.prev!)
    expect(start.ids).toEqual(first.ids)
    expect(start.prev).toBeUndefined()
    expect(start.html).toContain('Página 1 / 3')
  })

  it('keeps a page where it was when a newer job is published meanwhile (no row on two pages)', async () => {
    const first = await open('/jobs?language=qu')
    await t.database.db.execute(sql`
      insert into web.jobs (owner_id, title, description, language, deliverable_types, amount_per_person, asset_code, asset_scale,
        max_responses, recruit_limit, recruit_deadline, submit_limit, submit_days, expires_at, state, published_at)
      values ((select id from web.users where username = 'search_owner'), 'Recién publicado', 'Nuevo.', 'qu', array['audio'], 1000, 'MXN', 2,
        2, 6, now() + interval '10 days', 2, 7, now() + interval '40 days', 'recruiting', now())`)
    const second = await open(first.next!)
    expect(second.ids.some((id) => first.ids.includes(id))).toBe(false)
    // Published by another process (written straight to the database): visitors without a session see the
    // first page as it was until its few seconds in memory are over (http/public-pages.ts), then the job.
    expect((await open('/jobs?language=qu')).html).not.toContain('>Recién publicado<')
    clock.advance(t.config.publicPageTtlMs)
    expect((await open('/jobs?language=qu')).html).toContain('>Recién publicado<')
  })

  it('pages a search through the title matches, then the description matches', async () => {
    const first = await open('/jobs?q=paginado')
    const second = await open(first.next!)
    expect(first.ids).toHaveLength(20)
    expect(second.ids).toHaveLength(15)
    expect(second.next).toBeUndefined()
    const titles = (html: string) => [...html.matchAll(/<h2><a href="\/jobs\/[0-9a-f-]{36}"[^>]*>([^<]+)</g)].map((m) => m[1]!)
    // Page 2: the last five title matches, then the ten found in the description only.
    expect(titles(second.html).map((x) => x.split(' ')[0])).toEqual([...Array(5).fill('Paginado'), ...Array(10).fill('Lista')])
    expect(second.next).toBeUndefined()
    expect((await open(second.prev!)).ids).toEqual(first.ids)
  })

  it('pages a broad search (over 1,000 matches: read walking the browse index) newest first, title matches first', async () => {
    await t.database.db.execute(sql`
      insert into web.jobs (owner_id, title, description, language, deliverable_types, amount_per_person, asset_code, asset_scale,
        max_responses, recruit_limit, recruit_deadline, submit_limit, submit_days, expires_at, state, published_at)
      select (select id from web.users where username = 'search_owner'),
        case when g % 2 = 0 then 'Abundante ' || g else 'Otro ' || g end, case when g % 2 = 0 then 'Corto.' else 'Trabajo abundante.' end,
        'maz', array['audio'], 1000, 'MXN', 2, 2, 6, now() + interval '10 days', 2, 7, now() + interval '40 days', 'recruiting',
        timestamptz '2025-06-01' - make_interval(secs => g)
      from generate_series(1, 1100) g`)
    const first = await open('/jobs?q=abundante')
    expect(first.html).toContain('Más de 1000 trabajos')
    const second = await open(first.next!)
    const expected = await queryRows<{ id: string }>(t.database.db, sql`select id from web.jobs where language = 'maz' and title like 'Abundante%' order by published_at desc, id desc limit 40`)
    expect([...first.ids, ...second.ids]).toEqual(expected.map((r) => r.id))
    expect((await open(second.prev!)).ids).toEqual(first.ids)
  })

  it('refuses a cursor that is not one of ours in the person\'s language, and never a 5xx', async () => {
    for (const bad of ['after=1', 'before=x.1.2', "after=0.1.'; drop table web.jobs", `after=0.${'9'.repeat(30)}.00000000-0000-0000-0000-000000000000`]) {
      const res = await fetch(`${t.baseUrl}/jobs?${bad}`, { headers: { cookie: 'lang=en' } })
      expect(res.status, bad).toBe(422)
      expect(await res.text()).toContain('data-error="invalid_input"')
    }
    // A well-formed cursor of a job that is gone, or of the other kind, still gives a page.
    expect((await fetch(`${t.baseUrl}/jobs?after=2.1.00000000-0000-0000-0000-000000000000`)).status).toBe(200)
    expect((await fetch(`${t.baseUrl}/jobs?q=paginado&before=0.99999999999999999.00000000-0000-0000-0000-000000000000`)).status).toBe(200)
  })
})
