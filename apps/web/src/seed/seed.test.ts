import { afterAll, beforeAll, expect, test } from 'vitest'
import { and, count, eq, inArray } from 'drizzle-orm'
import { applications } from '../applications/model.ts'
import { submissions } from '../submissions/model.ts'
import { startTestWeb, Agent, type TestWeb } from '../../test/helpers.ts'
import { seedDemoData } from './seed.ts'
import { jobs, JOB_STATES } from '../jobs/model.ts'
import { users } from '../domain/user.ts'

let t: TestWeb
beforeAll(async () => {
  t = await startTestWeb()
})
afterAll(() => t.close())

test('the demo seed is idempotent and covers every job state', async () => {
  const deps = { db: t.database.db, hashPassword: t.web.services.users.hashPassword, sandboxWalletUrl: 'http://localhost:4100', asset: t.config.asset }
  const first = await seedDemoData(deps)
  expect(first).toEqual({ usersCreated: 6, jobsCreated: 26 })
  expect(await seedDemoData(deps)).toEqual({ usersCreated: 0, jobsCreated: 0 })
  const states = await t.database.db.select({ state: jobs.state, n: count() }).from(jobs).groupBy(jobs.state)
  expect(states.map((s) => s.state).sort()).toEqual([...JOB_STATES].sort())
  const all = await t.database.db.select().from(users)
  expect(all.every((u) => !u.isAdmin && u.walletAddress === `http://localhost:4100/${u.username}`)).toBe(true)
  const a = new Agent(t.baseUrl)
  await a.get('/login')
  expect((await a.post('/login', { username: 'demo_funder', password: 'demo123' })).status).toBe(303)
  const mine = await a.get('/dashboard/jobs')
  expect(mine.html).toContain('data-count-state="recruiting"')
  const browse = await a.get('/jobs')
  expect(browse.status).toBe(200)
  expect((await a.get('/')).html).toMatch(/data-count="home.my_jobs">\s*\d+/)
  const maria = new Agent(t.baseUrl)
  await maria.get('/login')
  await maria.post('/login', { username: 'maria_nahuatl', password: 'demo123' })
  // Nobody works on an unfunded job: the seed pays nothing, so no creator has work, and selected
  // people wait on jobs still selecting (funded, then started, by their owner).
  expect((await maria.get('/')).html).not.toContain('data-count="home.pending_work"')
  const working = await t.database.db
    .select({ n: count() })
    .from(applications)
    .innerJoin(jobs, eq(jobs.id, applications.jobId))
    .where(and(eq(applications.state, 'selected'), inArray(jobs.state, ['submitting', 'reviewing', 'complete'])))
  expect(working[0]!.n).toBe(0)
  expect(await t.database.db.select({ n: count() }).from(submissions)).toEqual([{ n: 0 }])
})
