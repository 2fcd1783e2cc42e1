import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestWeb, type TestWeb } from './helpers.ts'

// The web app's operator endpoints (issue 14); what they report is tested in packages/platform/src/metrics.test.ts.
const TOKEN = 'metrics-token-for-the-test'
let t: TestWeb

beforeAll(async () => {
  t = await startTestWeb({ metricsToken: TOKEN, maxWorkerLagSeconds: 300 })
})
afterAll(async () => {
  await t?.close()
})

describe('operations endpoints', () => {
  it('shows metrics only with the token, with requests counted by route pattern', async () => {
    expect((await fetch(`${t.baseUrl}/jobs/00000000-0000-4000-8000-000000000000`)).status).toBe(404)
    expect((await fetch(`${t.baseUrl}/jobs`)).status).toBe(200)
    expect((await fetch(`${t.baseUrl}/metrics`)).status).toBe(404)
    expect((await fetch(`${t.baseUrl}/metrics`, { headers: { authorization: 'Bearer wrong-token-of-length' } })).status).toBe(404)
    const res = await fetch(`${t.baseUrl}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } })
    expect(res.status).toBe(200)
    const body = await res.text()
    expect(body).toMatch(/voces_http_requests_total\{method="GET",route="\/jobs",status="200",service="web"\} 1/)
    // The id in the URL is not a label: one series per route, whatever was asked.
    expect(body).toMatch(/voces_http_requests_total\{method="GET",route="\/jobs\/:id",status="404",service="web"\} 1/)
    expect(body).toMatch(/voces_worker_lag_seconds\{queue="web.payouts",service="web"\} 0/)
  })

  it('is ready with a database that answers and no work waiting', async () => {
    const res = await fetch(`${t.baseUrl}/health/ready`)
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({ ready: true, database: 'ok', lagging: [] })
  })
})
