import { afterAll, beforeAll, expect, test } from 'vitest'
import { eq } from 'drizzle-orm'
import { Agent, startTestWeb, type TestWeb } from './helpers.ts'
import { seedDemoData } from '../src/seed/seed.ts'
import { users } from '../src/domain/user.ts'
import { jobs } from '../src/jobs/model.ts'

let t: TestWeb
beforeAll(async () => {
  t = await startTestWeb()
  await seedDemoData({ db: t.database.db, hashPassword: t.web.services.users.hashPassword, sandboxWalletUrl: 'http://localhost:4100', asset: t.config.asset })
})
afterAll(() => t.close())

/** Interactive elements (and form controls) lacking the slug that recorded audio attaches to. */
function unslugged(html: string): string[] {
  const tags = html.match(/<(a|button|select|textarea|input)\b[^>]*>/g) ?? []
  return tags.filter((tag) => !/type="hidden"/.test(tag) && !/data-audio-slug=|data-speak=/.test(tag))
}

test('every control and link on every page carries a data-audio-slug (or is a speaker button)', async () => {
  const funder = new Agent(t.baseUrl)
  await funder.get('/login')
  await funder.post('/login', { username: 'demo_funder', password: 'demo123' })
  const [owner] = await t.database.db.select().from(users).where(eq(users.username, 'demo_funder'))
  const owned = await t.database.db.select().from(jobs).where(eq(jobs.ownerId, owner!.id))
  const paths = ['/', '/jobs', '/jobs?after=0.99999999999999999.ffffffff-ffff-ffff-ffff-ffffffffffff&page=2', '/dashboard/jobs', '/dashboard/money', '/profile', '/jobs/new', ...owned.map((j) => `/jobs/${j.id}`)]
  for (const path of paths) {
    const res = await funder.get(path)
    expect(unslugged(res.html), path).toEqual([])
  }
  const anon = new Agent(t.baseUrl)
  for (const path of ['/', '/jobs', '/login', '/register', '/nowhere']) expect(unslugged((await anon.get(path)).html), path).toEqual([])
})
