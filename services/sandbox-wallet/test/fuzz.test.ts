/**
 * The sandbox wallet's fuzz suite (issue 12): every route of the router — the admin API with the
 * admin token, the Open Payments routes as an unsigned or wrongly signed client would call them,
 * the consent pages — sent generated bad input, each run starting from a valid body and spoiling
 * one or two values. No answer may be a 5xx, no HTML answer may carry input unescaped, and no
 * client URL may make the sandbox request the loopback canary.
 * Longer: FUZZ_RUNS=200; replay: the FUZZ_SEED/FUZZ_ROUTE/FUZZ_PATH line printed.
 */
import { afterAll, beforeAll, expect, test } from 'vitest'
import { randomUUID } from 'node:crypto'
import fc from 'fast-check'
import { createHeaders, generateJwk, generateKey } from '@interledger/http-signature-utils'
import { fuzzRoutes, fuzzSettings, hostileAmount, hostileText, hostileUrl, pathParam, routesOf, startCanary, unescapedReflection, wrongType, type RouteEntry } from '@voces/platform/fuzz'
import { startTestSandbox, type TestSandbox } from '../src/testing.ts'

const settings = fuzzSettings(6)
let sandbox: TestSandbox
let canary: Awaited<ReturnType<typeof startCanary>>
let routes: RouteEntry[]
let walletUrl: string
const privateKey = generateKey()
const jwk = generateJwk({ privateKey, keyId: 'fz-key' })

beforeAll(async () => {
  sandbox = await startTestSandbox()
  canary = await startCanary()
  walletUrl = (await sandbox.admin.createWalletAddress({ name: 'fz_wallet', publicName: 'Fz', assetCode: 'USD' })).url
  routes = routesOf(sandbox.sandbox.app)
}, 90_000)
afterAll(async () => {
  await canary?.close()
  await sandbox?.close()
})

/** A valid body for each route that takes one (by pattern), so that one spoiled value is what is tested. */
function validBody(route: RouteEntry): Record<string, unknown> {
  const bodies: Record<string, Record<string, unknown>> = {
    '/admin/wallet-addresses': { name: `fz_${randomUUID().slice(0, 8)}`, publicName: 'Fz', assetCode: 'USD' },
    '/admin/wallet-addresses/:name/keys': { jwk: { ...jwk, kid: `fz-${randomUUID()}` } },
    '/admin/wallet-addresses/:name/deposits': { value: '100' },
    '/admin/faults': { latencyMs: 0, errorRate: 0, dropRate: 0, paths: [] },
    '/auth': { access_token: { access: [{ type: 'incoming-payment', actions: ['create', 'read'] }] }, client: walletUrl },
    '/auth/continue/:id': { interact_ref: randomUUID() },
    '/incoming-payments': { walletAddress: walletUrl, incomingAmount: { value: '100', assetCode: 'USD', assetScale: 2 } },
    '/quotes': { walletAddress: walletUrl, receiver: `${sandbox.baseUrl}/incoming-payments/${randomUUID()}`, method: 'ilp', debitAmount: { value: '100', assetCode: 'USD', assetScale: 2 } },
    '/outgoing-payments': { walletAddress: walletUrl, quoteId: `${sandbox.baseUrl}/quotes/${randomUUID()}` }
  }
  return bodies[route.url] ?? {}
}

/** Field paths of a body, nested ones included (`incomingAmount.value`), to spoil one at a time. */
const fieldPaths = (body: Record<string, unknown>, prefix = ''): string[] =>
  Object.entries(body).flatMap(([k, v]) => [`${prefix}${k}`, ...(v && typeof v === 'object' && !Array.isArray(v) ? fieldPaths(v as Record<string, unknown>, `${prefix}${k}.`) : [])])

function setPath(body: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split('.')
  let at = body
  for (const k of keys.slice(0, -1)) at = (at[k] && typeof at[k] === 'object' ? at[k] : (at[k] = {})) as Record<string, unknown>
  at[keys.at(-1)!] = value
}

type Encoding = 'json' | 'bad-json' | 'form' | 'text' | 'none'
interface SandboxInput {
  params: string[]
  changes: Array<[string, unknown]>
  query: Array<[string, string]>
  encoding: Encoding
  /** Unsigned, a garbage signature, or well-formed signature headers (the sandbox then fetches the client's keys). */
  signed: 'none' | 'garbage' | 'signed'
}

function inputFor(route: RouteEntry): fc.Arbitrary<SandboxInput> {
  const names = fieldPaths(validBody(route))
  const known: Record<string, string[]> = { name: ['fz_wallet'] }
  const params = [...route.url.matchAll(/:(\w+)/g)].map((m) => m[1]!)
  return fc.record({
    params: fc.tuple(...params.map((p) => pathParam(known[p] ?? []))),
    changes: fc.array(
      fc.tuple(
        fc.oneof({ weight: 6, arbitrary: names.length ? fc.constantFrom(...names) : fc.constant('x') }, fc.constantFrom('__proto__', 'client', 'extra')),
        fc.oneof({ weight: 4, arbitrary: hostileText() }, { weight: 2, arbitrary: hostileAmount() }, { weight: 3, arbitrary: hostileUrl(canary.port) }, { weight: 2, arbitrary: wrongType() })
      ),
      { minLength: 1, maxLength: 2 }
    ),
    query: fc.array(fc.tuple(fc.constantFrom('url', 'first', 'cursor', 'wallet-address', 'walletAddress', 'nonce'), hostileText({ long: false })), { maxLength: 2 }),
    encoding: fc.oneof({ weight: 6, arbitrary: fc.constant<Encoding>('json') }, fc.constantFrom<Encoding>('bad-json', 'form', 'text', 'none')),
    signed: fc.constantFrom<SandboxInput['signed']>('none', 'garbage', 'signed')
  })
}

async function check(route: RouteEntry, input: SandboxInput): Promise<number> {
  let i = 0
  const path = route.url.replace(/:\w+/g, () => input.params[i++] ?? '') + (input.query.length ? `?${new URLSearchParams(input.query)}` : '')
  const body = validBody(route)
  for (const [k, v] of input.changes) setPath(body, k, v)
  const headers: Record<string, string> = {}
  if (route.url.startsWith('/admin')) headers.authorization = `Bearer ${sandbox.adminToken}`
  else if (input.signed === 'garbage') Object.assign(headers, { authorization: 'GNAP x', signature: 'sig1=:AAAA:', 'signature-input': 'sig1=("@method");keyid="fz-key";created=1' })
  const json = JSON.stringify(body)
  const encoded: Record<Encoding, [string | undefined, string | undefined]> = {
    json: ['application/json', json],
    'bad-json': ['application/json', json.slice(0, -2)],
    form: ['application/x-www-form-urlencoded', new URLSearchParams(Object.entries(body).map(([k, v]): [string, string] => [k, String(v)])).toString()],
    text: ['text/plain', json],
    none: [undefined, undefined]
  }
  const [type, payload] = route.method === 'GET' || route.method === 'DELETE' ? [undefined, undefined] : encoded[input.encoding]
  if (type) headers['content-type'] = type
  if (input.signed === 'signed' && !route.url.startsWith('/admin') && (payload === undefined || type === 'application/json' && input.encoding === 'json')) {
    delete headers.signature
    delete headers['signature-input']
    const signed = await createHeaders({ request: { method: route.method, url: `${sandbox.baseUrl}${path}`, headers, body: payload }, privateKey, keyId: 'fz-key' })
    Object.assign(headers, Object.fromEntries(Object.entries(signed).map(([k, v]) => [k.toLowerCase(), String(v)])))
  }
  const response = await fetch(`${sandbox.baseUrl}${path}`, { method: route.method, headers, body: payload, redirect: 'manual' })
  const text = await response.text()
  // The faults the admin API sets are 5xx on purpose: switch them off before anything else is asked.
  if (route.url === '/admin/faults') await sandbox.admin.setFaults({ latencyMs: 0, errorRate: 0, dropRate: 0, paths: [] })
  const where = `${route.method} ${path.slice(0, 200)}`
  if (response.status >= 500) throw new Error(`${where} answered ${response.status}: ${text.slice(0, 300)}`)
  if (text.includes('secret-canary-body')) throw new Error(`${where} echoed a remote body: ${text.slice(0, 300)}`)
  if ((response.headers.get('content-type') ?? '').startsWith('text/html')) {
    const found = unescapedReflection(text)
    if (found) throw new Error(`${where} reflected input unescaped, ${found}`)
  }
  if (canary.hits.length) throw new Error(`${where} made the sandbox request the loopback canary: ${canary.hits.join(', ')}`)
  return response.status
}

test('every route of the sandbox survives generated bad input: no 5xx, no unescaped reflection, no canary hit', async () => {
  console.warn(`sandbox fuzz: FUZZ_SEED=${settings.seed} FUZZ_RUNS=${settings.runs}, ${routes.length} routes`)
  expect(routes.length).toBeGreaterThan(20)
  const failures = await fuzzRoutes(routes, settings, inputFor, async (route, input) => void (await check(route, input)))
  expect(failures, failures.join('\n\n')).toEqual([])
}, 120_000)

test('a grant request naming a client wallet at a loopback or private address: refused, nothing fetched', async () => {
  for (const client of [`${canary.url}/alice`, `http://localhost:${canary.port}/alice`, `http://[::1]:${canary.port}/a`, 'http://169.254.169.254/latest']) {
    const status = await check({ method: 'POST', url: '/auth' }, { params: [], changes: [['client', client]], query: [], encoding: 'json', signed: 'signed' })
    expect(status, client).toBeGreaterThanOrEqual(400)
  }
  expect(canary.hits).toEqual([])
})

test('a NUL byte in every field of every body and every path parameter: never a 5xx', async () => {
  let sent = 0
  for (const route of routes) {
    const params = [...route.url.matchAll(/:(\w+)/g)].map(() => '%00')
    for (const field of fieldPaths(validBody(route))) {
      await check(route, { params: params.map(() => 'fz_wallet'), changes: [[field, 'a\u0000b']], query: [], encoding: 'json', signed: 'garbage' })
      sent++
    }
    if (params.length) await check(route, { params, changes: [], query: [], encoding: 'json', signed: 'garbage' })
  }
  expect(sent).toBeGreaterThan(10)
})
