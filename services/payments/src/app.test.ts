import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { createLogger, createTestDatabase, type Database } from '@voces/platform'
import { buildPaymentsApp, type PaymentsApp } from './app.ts'
import { defaultConfig } from './config.ts'
import { errorStatus } from './http/errors.ts'

const token = 'test-token-0123456789abcdef'
const metricsToken = 'metrics-token-0123456789'

describe('the HTTP surface, without a wallet', () => {
  let database: Database
  let service: PaymentsApp
  beforeAll(async () => {
    database = await createTestDatabase()
    service = await buildPaymentsApp({ config: defaultConfig({ apiToken: token, metricsToken }), database, logger: createLogger({ level: 'silent' }) })
    await service.app.ready()
  })
  afterAll(async () => {
    await service.stop()
    await database.close()
  })

  // A NUL byte reached PostgreSQL and answered 500 on each of these (issue: no input breaks it).
  test.each([
    ['GET', '/payments/finish?pendingId=%00'],
    ['GET', '/payments/finish?consent=a%00b&hash=x&interact_ref=y'],
    ['GET', '/payments/%00/status'],
    ['POST', '/payments/%00/reconcile'],
    ['GET', '/payouts/%00'],
    ['GET', '/offers/%00/payments'],
    ['POST', '/offers/o1/quotes/start', { sellerId: 'a\u0000b', buyerWalletAddressUrl: 'https://wallet.example/alice', amount: '1.00' }],
    ['POST', '/payouts', { sellerId: 'marketplace', receiverWalletAddressUrl: 'https://wallet.example/bob', amount: '1.00', fixed: 'send', reference: 'r\u0000' }]
  ])('%s %s with a NUL byte is a 400 that changes nothing', async (method, url, body?: object) => {
    const response = await service.app.inject({
      method: method as 'GET' | 'POST',
      url,
      headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      ...(body ? { payload: JSON.stringify(body) } : {})
    })
    expect(response.statusCode, response.body).toBe(400)
    expect(response.json()).toMatchObject({ success: false, error: { code: 'invalid_request' } })
  })

  test('metrics need the metrics token, not the API token; readiness needs none', async () => {
    await service.app.inject({ method: 'GET', url: '/payouts/p1', headers: { authorization: `Bearer ${token}` } })
    for (const authorization of [undefined, `Bearer ${token}`]) {
      const refused = await service.app.inject({ method: 'GET', url: '/metrics', headers: authorization ? { authorization } : {} })
      expect(refused.statusCode).toBe(404)
    }
    const metrics = await service.app.inject({ method: 'GET', url: '/metrics', headers: { authorization: `Bearer ${metricsToken}` } })
    expect(metrics.statusCode).toBe(200)
    expect(metrics.body).toMatch(/voces_http_requests_total\{method="GET",route="\/payouts\/:id",status="\d+",service="payments"\} 1/)
    for (const queue of ['payments.payments', 'payments.payouts', 'payments.webhooks']) {
      expect(metrics.body).toContain(`voces_worker_lag_seconds{queue="${queue}",service="payments"} 0`)
    }
    const ready = await service.app.inject({ method: 'GET', url: '/health/ready' })
    expect(ready.statusCode).toBe(200)
    expect(ready.json()).toEqual({ ready: true, database: 'ok', lagging: [] })
  })

  test('health and docs need no token', async () => {
    const health = await service.app.inject({ method: 'GET', url: '/health' })
    expect(health.statusCode).toBe(200)
    expect(health.json()).toMatchObject({ success: true, status: 'ok' })
    const docs = await service.app.inject({ method: 'GET', url: '/docs' })
    expect(docs.statusCode).toBe(200)
    const spec = docs.json()
    expect(spec.openapi).toMatch(/^3\./)
    for (const path of ['/offers/{offerId}/quotes/start', '/payments/finish', '/payments/{pendingId}/status', '/offers/{offerId}/payments', '/sellers', '/sellers/{id}/payout-grant', '/payouts', '/payouts/{id}', '/webhook-deliveries']) {
      expect(Object.keys(spec.paths)).toContain(path)
    }
  })

  test.each([
    ['POST', '/offers/o1/quotes/start'],
    ['GET', '/payments/p1/status'],
    ['GET', '/offers/o1/payments'],
    ['GET', '/sellers'],
    ['POST', '/sellers'],
    ['POST', '/sellers/marketplace/payout-grant'],
    ['POST', '/payouts'],
    ['GET', '/payouts/x'],
    ['GET', '/webhook-deliveries']
  ])('%s %s without the bearer token is 401', async (method, url) => {
    for (const authorization of [undefined, 'Bearer wrong-token', `Basic ${token}`, token]) {
      const r = await service.app.inject({ method: method as 'GET', url, headers: authorization ? { authorization } : {}, payload: method === 'POST' ? {} : undefined })
      expect(r.statusCode).toBe(401)
      expect(r.json()).toEqual({ success: false, error: { code: 'unauthorized', message: expect.any(String) } })
    }
  })

  test('a finish link for an unknown payment needs no token and answers HTML', async () => {
    const r = await service.app.inject({ method: 'GET', url: '/payments/finish?pendingId=unknown&hash=a&interact_ref=b' })
    expect(r.statusCode).toBe(404)
    expect(r.headers['content-type']).toMatch(/text\/html/)
  })

  test('every expected failure has an HTTP status', () => {
    for (const [code, status] of Object.entries(errorStatus)) {
      expect(status, code).toBeGreaterThanOrEqual(400)
      expect(status, code).toBeLessThan(600)
    }
  })

  test.each([
    [{ id: 'bad id!', walletAddressUrl: 'http://x.example/a', keyId: 'k', privateKeyPath: '/nope' }, 'invalid_request'],
    [{ id: 'shop', walletAddressUrl: 'http://x.example/a', keyId: 'k', privateKeyPath: '/definitely/not/here.pem' }, 'invalid_seller_key'],
    [{ id: 'shop', walletAddressUrl: 'http://x.example/a', keyId: 'k', privateKeyEnv: 'DATABASE_URL' }, 'invalid_request'],
    [{ id: 'shop', walletAddressUrl: 'http://x.example/a', keyId: 'k', privateKeyEnv: 'UNSET_SELLER_KEY' }, 'invalid_seller_key'],
    [{ id: 'shop', walletAddressUrl: 'http://x.example/a', keyId: 'k', privateKey: '-----BEGIN PRIVATE KEY-----' }, 'invalid_request']
  ])('POST /sellers refuses %o', async (payload, code) => {
    const r = await service.app.inject({ method: 'POST', url: '/sellers', headers: { authorization: `Bearer ${token}` }, payload })
    expect(r.statusCode).toBe(400)
    expect(r.json().error.code).toBe(code)
  })

  test('unknown routes and malformed JSON get the one error shape', async () => {
    const missing = await service.app.inject({ method: 'GET', url: '/nope', headers: { authorization: `Bearer ${token}` } })
    expect(missing.statusCode).toBe(404)
    expect(missing.json()).toMatchObject({ success: false, error: { code: 'not_found' } })
    const malformed = await service.app.inject({
      method: 'POST',
      url: '/payouts',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      payload: '{"sellerId":'
    })
    expect(malformed.statusCode).toBe(400)
    expect(malformed.json()).toMatchObject({ success: false, error: { code: 'invalid_request' } })
  })
})
