/**
 * The payments service's fuzz suite (issue 12): every route of the router, with the API token, sent
 * generated bad input shaped by the route's own OpenAPI description (field names from /docs), each
 * run starting from a valid request and spoiling one or two values. No answer may be a 500, no 5xx
 * other than a typed wallet failure, no answer may echo a remote body, and nothing may reach the
 * loopback canary. Longer: FUZZ_RUNS=200; replay: the FUZZ_SEED/FUZZ_ROUTE/FUZZ_PATH line printed.
 */
import { afterAll, beforeAll, expect, test } from 'vitest'
import { randomUUID } from 'node:crypto'
import fc from 'fast-check'
import { fuzzRoutes, fuzzSettings, hostileAmount, hostileText, hostileUrl, pathParam, routesOf, startCanary, unescapedReflection, wrongType, type RouteEntry } from '@voces/platform/fuzz'
import { RETURN_URL, startBody, startHarness, type Harness } from './harness.ts'

const settings = fuzzSettings(8)
let h: Harness
let canary: Awaited<ReturnType<typeof startCanary>>
let routes: RouteEntry[]
let buyerUrl: string
let pendingId: string
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the OpenAPI document as @fastify/swagger builds it
let openApi: { paths: Record<string, Record<string, any>> }

beforeAll(async () => {
  h = await startHarness()
  canary = await startCanary()
  buyerUrl = (await h.buyer()).url
  const start = await h.api('POST', '/offers/offer-fz/quotes/start', startBody(buyerUrl))
  pendingId = start.json.pendingId
  routes = routesOf(h.service.app)
  openApi = h.service.app.swagger() as typeof openApi
}, 90_000)
afterAll(async () => {
  await canary?.close()
  await h?.close()
})

/** A valid value for each field and parameter name the API uses, so that one spoiled value is what is tested. */
const valid = (): Record<string, string> => ({
  sellerId: 'marketplace',
  buyerWalletAddressUrl: buyerUrl,
  receiverWalletAddressUrl: buyerUrl,
  walletAddressUrl: h.seller.url,
  url: buyerUrl,
  amount: '1.00',
  debitLimit: '5.00',
  returnUrl: RETURN_URL,
  reference: `ref-${randomUUID()}`,
  interval: 'R/2026-01-01T00:00:00Z/P1M',
  id: `fz_${randomUUID().slice(0, 8)}`,
  keyId: h.seller.keyId,
  privateKeyPath: h.seller.privateKeyPath,
  privateKeyEnv: 'FZ_SELLER_KEY',
  offerId: 'offer-fz',
  pendingId,
  limit: '5'
})

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const operation = (route: RouteEntry): any => openApi.paths[route.url.replace(/:(\w+)/g, '{$1}')]?.[route.method.toLowerCase()]
const bodyFields = (route: RouteEntry): string[] => Object.keys(operation(route)?.requestBody?.content?.['application/json']?.schema?.properties ?? {})
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const queryFields = (route: RouteEntry): string[] => (operation(route)?.parameters ?? []).filter((p: any) => p.in === 'query').map((p: any) => p.name)
const pathFields = (route: RouteEntry): string[] => [...route.url.matchAll(/:(\w+)/g)].map((m) => m[1]!)

type Encoding = 'json' | 'bad-json' | 'form' | 'text' | 'none' | 'array' | 'huge'
interface ApiInput {
  params: string[]
  target: 'body' | 'query'
  changes: Array<[string, unknown]>
  encoding: Encoding
  auth: 'token' | 'none' | 'wrong'
}

function inputFor(route: RouteEntry): fc.Arbitrary<ApiInput> {
  const names = [...bodyFields(route), ...queryFields(route)]
  const value = fc.oneof({ weight: 4, arbitrary: hostileText() }, { weight: 2, arbitrary: hostileAmount() }, { weight: 2, arbitrary: hostileUrl(canary.port) }, { weight: 2, arbitrary: wrongType() })
  return fc.record({
    params: fc.tuple(...pathFields(route).map((p) => pathParam(p in valid() ? [valid()[p]!] : []))),
    target: fc.constantFrom<ApiInput['target']>(...(queryFields(route).length ? ['query' as const] : []), 'body'),
    changes: fc.array(fc.tuple(fc.oneof({ weight: 6, arbitrary: names.length ? fc.constantFrom(...names) : fc.constant('x') }, fc.constantFrom('__proto__', 'constructor', 'extra')), value), { minLength: 1, maxLength: 2 }),
    encoding: fc.oneof({ weight: 6, arbitrary: fc.constant<Encoding>('json') }, fc.constantFrom<Encoding>('bad-json', 'form', 'text', 'none', 'array', 'huge')),
    auth: fc.oneof({ weight: 8, arbitrary: fc.constant<ApiInput['auth']>('token') }, fc.constantFrom<ApiInput['auth']>('none', 'wrong'))
  })
}

function build(route: RouteEntry, input: ApiInput): { path: string; init: RequestInit } {
  let i = 0
  const path = route.url.replace(/:\w+/g, () => input.params[i++] ?? '')
  const base = valid()
  const body: Record<string, unknown> = Object.fromEntries(bodyFields(route).map((f) => [f, base[f] ?? 'x']))
  const query = new URLSearchParams(queryFields(route).map((f): [string, string] => [f, base[f] ?? 'x']))
  for (const [k, v] of input.changes) {
    if (input.target === 'query') query.set(k, typeof v === 'string' ? v : JSON.stringify(v))
    else body[k] = v
  }
  const headers: Record<string, string> = {}
  if (input.auth === 'token') headers.authorization = `Bearer ${h.token}`
  if (input.auth === 'wrong') headers.authorization = 'Bearer not-the-token'
  const qs = query.size ? `?${query}` : ''
  if (route.method === 'GET') return { path: path + qs, init: { method: 'GET', headers } }
  const json = JSON.stringify(body)
  const encoded: Record<Encoding, [string | undefined, string | undefined]> = {
    json: ['application/json', json],
    'bad-json': ['application/json', json.slice(0, -3)],
    form: ['application/x-www-form-urlencoded', new URLSearchParams(Object.entries(body).map(([k, v]): [string, string] => [k, String(v)])).toString()],
    text: ['text/plain', json],
    none: [undefined, undefined],
    array: ['application/json', JSON.stringify([body])],
    huge: ['application/json', JSON.stringify({ ...body, pad: 'x'.repeat(70_000) })]
  }
  const [type, payload] = encoded[input.encoding]
  if (type) headers['content-type'] = type
  return { path: path + qs, init: { method: route.method, headers, body: payload } }
}

/** Typed wallet failures are the only 5xx a client may see (the wallet, not this service, failed). */
const WALLET_FAILURES = new Set(['wallet_rejected', 'wallet_unavailable'])

async function check(route: RouteEntry, input: ApiInput): Promise<number> {
  const { path, init } = build(route, input)
  const response = await fetch(`${h.baseUrl}${path}`, { ...init, redirect: 'manual' })
  const text = await response.text()
  const where = `${route.method} ${path.slice(0, 200)}`
  if (response.status >= 500) {
    const code = (() => {
      try {
        return JSON.parse(text).error?.code as string
      } catch {
        return undefined
      }
    })()
    if (response.status === 500 || !code || !WALLET_FAILURES.has(code)) throw new Error(`${where} answered ${response.status}: ${text.slice(0, 300)}`)
  }
  if (text.includes('secret-canary-body')) throw new Error(`${where} echoed a remote body: ${text.slice(0, 300)}`)
  if ((response.headers.get('content-type') ?? '').startsWith('text/html')) {
    const found = unescapedReflection(text)
    if (found) throw new Error(`${where} reflected input unescaped, ${found}`)
  }
  if (canary.hits.length) throw new Error(`${where} made the service request the loopback canary: ${canary.hits.join(', ')}`)
  return response.status
}

test('every route of the payments API survives generated bad input: no 500, no canary hit, no echo', async () => {
  console.warn(`payments fuzz: FUZZ_SEED=${settings.seed} FUZZ_RUNS=${settings.runs}, ${routes.length} routes`)
  expect(routes.length).toBeGreaterThan(12)
  expect(bodyFields({ method: 'POST', url: '/offers/:offerId/quotes/start' })).toContain('buyerWalletAddressUrl')
  const failures = await fuzzRoutes(routes, settings, inputFor, async (route, input) => void (await check(route, input)))
  expect(failures, failures.join('\n\n')).toEqual([])
}, 120_000)

test('a NUL byte in every field, query value and path parameter: refused with 400, never a 5xx', async () => {
  let sent = 0
  for (const route of routes) {
    const fields = [...bodyFields(route).map((f) => ['body', f] as const), ...queryFields(route).map((f) => ['query', f] as const)]
    const params = pathFields(route).map((p) => valid()[p] ?? 'x')
    for (const [target, field] of fields) {
      expect(await check(route, { params, target, changes: [[field, 'a\u0000b']], encoding: 'json', auth: 'token' }), `${route.method} ${route.url} ${field}`).toBe(400)
      sent++
    }
  }
  const withParams = routes.filter((route) => pathFields(route).length > 0)
  for (const route of withParams) {
    const params = pathFields(route).map(() => '%00')
    expect(await check(route, { params, target: 'body', changes: [], encoding: 'json', auth: 'token' }), `${route.method} ${route.url}`).toBe(400)
  }
  expect(sent).toBeGreaterThan(20)
  expect(withParams.length).toBeGreaterThan(0)
}, 60_000)
