import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { sql } from 'drizzle-orm'
import { createTestDatabase, type Database } from './db.ts'
import { checkReadiness, createMetrics, metricsAuthorized } from './metrics.ts'
import { createTestClock } from './clock.ts'

let database: Database
const clock = createTestClock()

beforeAll(async () => {
  database = await createTestDatabase()
  await database.db.execute(sql`create table work (id int primary key, state text not null, failure text, next_attempt_at timestamptz not null)`)
})
afterAll(async () => {
  await database?.close()
})

const metricsOf = (db: Database) =>
  createMetrics({
    service: 'test',
    database: db,
    now: clock.now,
    queues: [{ queue: 'work', table: sql`work`, ready: sql`state = 'pending'` }],
    states: [{ kind: 'work', query: sql`select state as key, count(*) as n from work group by 1` }],
    failures: [{ kind: 'work', query: sql`select failure as key, count(*) as n from work where state = 'failed' group by 1` }]
  })

describe('metrics and readiness', () => {
  it('reports requests by route, items by state, failures by reason, pool use and worker lag', async () => {
    const metrics = metricsOf(database)
    const at = clock.now()
    await database.db.execute(sql`insert into work values
      (1, 'pending', null, ${new Date(at.getTime() - 90_000).toISOString()}::timestamptz),
      (2, 'pending', null, ${new Date(at.getTime() + 90_000).toISOString()}::timestamptz),
      (3, 'failed', 'wallet_unreachable', ${at.toISOString()}::timestamptz)`)
    metrics.observeRequest({ method: 'GET', route: '/jobs/:id', status: 200, seconds: 0.012 })
    const { body, contentType } = await metrics.render()
    expect(contentType).toMatch(/^text\/plain/)
    expect(body).toMatch(/voces_http_requests_total\{method="GET",route="\/jobs\/:id",status="200",service="test"\} 1/)
    expect(body).toMatch(/voces_http_request_duration_seconds_bucket\{le="0.02",service="test",method="GET",route="\/jobs\/:id"\} 1/)
    expect(body).toMatch(/voces_items\{kind="work",state="pending",service="test"\} 2/)
    expect(body).toMatch(/voces_failures\{kind="work",reason="wallet_unreachable",service="test"\} 1/)
    expect(body).toMatch(/voces_db_pool_connections\{state="total",service="test"\} \d+/)
    // Only the due item counts: the one due in 90 s is not late.
    const lag = Number(/voces_worker_lag_seconds\{queue="work",service="test"\} ([\d.]+)/.exec(body)?.[1])
    expect(lag).toBeGreaterThanOrEqual(90)
    expect(lag).toBeLessThan(120)
  })

  it('is ready while workers keep up, not once one falls behind or the database is gone', async () => {
    const metrics = metricsOf(database)
    expect(await checkReadiness({ database, metrics, maxLagSeconds: 300 })).toEqual({ ready: true, database: 'ok', lagging: [] })
    const late = await checkReadiness({ database, metrics, maxLagSeconds: 60 })
    expect(late).toMatchObject({ ready: false, database: 'ok', lagging: [{ queue: 'work' }] })
    const gone = await createTestDatabase()
    await gone.close()
    expect(await checkReadiness({ database: gone, metrics: metricsOf(gone), maxLagSeconds: 300 })).toEqual({ ready: false, database: 'unreachable', lagging: [] })
  })

  it('lets only the configured token read metrics', () => {
    const token = 'a-metrics-token-of-some-length'
    expect(metricsAuthorized(`Bearer ${token}`, token)).toBe(true)
    expect(metricsAuthorized(`Bearer ${token}x`, token)).toBe(false)
    expect(metricsAuthorized(token, token)).toBe(false)
    expect(metricsAuthorized(undefined, token)).toBe(false)
    // No token configured: nobody reads them.
    expect(metricsAuthorized('Bearer ', undefined)).toBe(false)
  })
})
