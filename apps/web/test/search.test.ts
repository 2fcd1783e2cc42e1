import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { sql } from 'drizzle-orm'
import { startTestWeb, type TestWeb } from './helpers.ts'

// Job search through the real browse page (issue 14): accents and case ignored, Spanish and English stems,
// title, dialect and description searched, best matches first. Runs on PGlite and on PostgreSQL.
let t: TestWeb

const JOBS: Array<{ title: string; description: string; dialect?: string; state?: string; age: number }> = [
  { title: 'Canción de cuna', description: 'Una nana para dormir.', age: 50 },
  { title: 'Cuentos del pueblo', description: 'Tres cuentos; al final, una canción corta.', age: 1 },
  { title: 'Song recordings', description: 'Record three songs in your language.', age: 30 },
  { title: 'Saludos', description: 'Saludos cotidianos.', dialect: 'Huasteca', age: 20 },
  { title: 'Grabación de refranes', description: 'Refranes de la abuela.', age: 10 },
  { title: 'Canciones secretas', description: 'Borrador, nadie lo ve.', state: 'draft', age: 5 }
]

beforeAll(async () => {
  t = await startTestWeb()
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
