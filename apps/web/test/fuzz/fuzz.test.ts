/**
 * The web's fuzz suite (issue 12): every route of the router, every POST form found by crawling the
 * pages as a logged-in admin who is funder and creator, sent generated bad input with a valid session
 * and CSRF token. No answer may be a 5xx, no HTML answer may carry input unescaped, and nothing may
 * reach the loopback canary. Longer: FUZZ_RUNS=200; replay: the FUZZ_SEED/FUZZ_ROUTE/FUZZ_PATH line printed.
 */
import { afterAll, beforeAll, expect, test } from 'vitest'
import { randomBytes } from 'node:crypto'
import fc from 'fast-check'
import {
  fuzzRoutes,
  fuzzSettings,
  hostileAmount,
  hostileText,
  hostileUrl,
  pathParam,
  routesOf,
  startCanary,
  unescapedReflection,
  wrongType,
  type RouteEntry
} from '@voces/platform/fuzz'
import { Agent, jobFields, SAMPLE, startTestWeb, type TestWeb } from '../helpers.ts'
import { setAdmin } from '../../src/pages/admin/set-admin.ts'
import { crawl, knownParams, patternOf, type FormSpec } from './forms.ts'

const settings = fuzzSettings(5)
let t: TestWeb
let canary: Awaited<ReturnType<typeof startCanary>>
let routes: RouteEntry[]
let forms: FormSpec[]
let paths: string[]
/** Cookie header and CSRF token of the fuzzing user's session. */
let session = { cookie: '', csrf: '' }
let lastRoute: RouteEntry | undefined
const statuses = new Map<string, number>()

const cookieOf = (agent: Agent) => (agent as unknown as { cookieHeader(): string }).cookieHeader()

async function login(): Promise<void> {
  const agent = new Agent(t.baseUrl)
  const res = await agent.post('/login', { username: 'fz_ana', password: 'secret123' })
  expect(res.status, 'the fuzzing user can log in').toBe(303)
  await agent.get('/profile')
  session = { cookie: cookieOf(agent), csrf: agent.csrf }
}

beforeAll(async () => {
  t = await startTestWeb()
  canary = await startCanary()
  const ana = new Agent(t.baseUrl)
  const bob = new Agent(t.baseUrl)
  await ana.register('fz_ana', 'both')
  await bob.register('fz_bob', 'both')
  await setAdmin(t.database.db, 'fz_ana', true)
  // Something to act on: a draft and a published job of Ana's, which Bob applies to.
  await ana.postMultipart('/jobs', jobFields({ action: 'draft' }))
  const published = await ana.postMultipart('/jobs', jobFields())
  const jobPath = published.location!.replace(/\?.*/, '')
  await bob.get(jobPath)
  await bob.postMultipart(`${jobPath}/apply`, { note: 'Quiero grabarlo', audio: SAMPLE.mp3 })
  routes = routesOf(t.web.app)
  await login()
  const crawled = await crawl(routes, async (path) => (await send('GET', path)).body)
  forms = crawled.forms
  paths = crawled.paths
}, 60_000)
afterAll(async () => {
  await canary?.close()
  await t?.close()
})

async function send(method: string, path: string, body?: RequestInit['body'], headers: Record<string, string> = {}) {
  const res = await fetch(`${t.baseUrl}${path}`, { method, body: body ?? null, redirect: 'manual', headers: { cookie: session.cookie, ...headers } })
  return { status: res.status, type: res.headers.get('content-type') ?? '', body: await res.text(), renewed: res.headers.getSetCookie().some((c) => /^(sid|_csrf)=/.test(c)) }
}

type Encoding = 'urlencoded' | 'multipart' | 'json' | 'text' | 'none' | 'multipart-no-boundary' | 'multipart-truncated' | 'raw-urlencoded'
interface WebInput {
  params: string[]
  query: Array<[string, string]>
  encoding: Encoding
  changes: Array<[string, string | string[]]>
  file: { bytes: Uint8Array; name: string; type: string } | null
  raw: string
  badCookie: string | null
}

const value = () =>
  fc.oneof({ weight: 5, arbitrary: hostileText() }, { weight: 2, arbitrary: hostileAmount() }, { weight: 2, arbitrary: hostileUrl(canary.port) }, fc.array(hostileText(), { minLength: 2, maxLength: 3 }))

function inputFor(route: RouteEntry): fc.Arbitrary<WebInput> {
  const { params } = patternOf(route)
  const known = knownParams(route, paths)
  const names = [...new Set(formsFor(route).flatMap((f) => f.fields.map((x) => x.name)).filter((n) => n !== '_csrf'))]
  const fieldName = fc.oneof({ weight: 8, arbitrary: names.length ? fc.constantFrom(...names) : fc.constant('title') }, fc.constantFrom('__proto__', 'constructor', 'x[y]', '', 'next', 'lang', 'q'))
  return fc.record({
    params: fc.tuple(...params.map((p) => pathParam(known[p] ?? []))),
    query: fc.array(fc.tuple(fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...queryNames(route)) }, hostileText({ long: false })), hostileText({ long: false })), { maxLength: 3 }),
    // Mostly well-formed bodies with a valid CSRF token, so that bad values reach the handlers.
    encoding: fc.oneof(
      { weight: 4, arbitrary: fc.constantFrom<Encoding>('urlencoded', 'multipart') },
      { weight: 1, arbitrary: fc.constantFrom<Encoding>('json', 'text', 'none', 'multipart-no-boundary', 'multipart-truncated', 'raw-urlencoded') }
    ),
    changes: fc.array(fc.tuple(fieldName, value()), { minLength: 1, maxLength: 2 }),
    file: fc.option(fc.record({ bytes: fc.oneof(fc.constant(new Uint8Array(0)), fc.uint8Array({ maxLength: 300 })), name: fc.constantFrom('../../etc/passwd', 'a.mp3', '\u0000.png', '<fz-x>.wav', 'x'.repeat(400)), type: fc.constantFrom('audio/mpeg', 'image/png', 'text/html', '', 'x/y;;') }), { freq: 3 }),
    raw: fc.constantFrom('%%%', 'a=%ZZ&b', '&&&==&', '%00=%00', 'a=' + '%E0%A4%A'.repeat(10), '\u00ff\u00fe=1', 'x'.repeat(5000) + '=1'),
    badCookie: fc.option(fc.constantFrom('sid=%00', 'sid=<fz-x>', 'lang=<fz-x>', 'lang=%00', '_csrf=..%2f', 'lang=' + 'a'.repeat(3000)), { freq: 10 })
  })
}

/** The route's search fields (from its GET forms) and the names any page reads from a query. */
const queryNames = (route: RouteEntry) => [...new Set([...formsFor(route).flatMap((f) => f.fields.map((x) => x.name)), 'q', 'next', 'lang', 'status', 'page'])]

function formsFor(route: RouteEntry): FormSpec[] {
  const { regex } = patternOf(route)
  return forms.filter((f) => f.method === route.method.toLowerCase() && regex.test(f.action))
}

/** The request a client would send: the route with its parameters, the form's fields with some changed. */
function build(route: RouteEntry, input: WebInput): { path: string; body?: RequestInit['body']; headers: Record<string, string> } {
  let i = 0
  const path = route.url.replace(/:[^/]+|\*/g, () => input.params[i++] ?? '')
  const query = input.query.length ? `?${new URLSearchParams(input.query)}` : ''
  const headers: Record<string, string> = input.badCookie ? { cookie: `${session.cookie}; ${input.badCookie}` } : {}
  if (route.method !== 'POST') return { path: path + query, headers }
  const fields = new Map<string, string | string[]>(formsFor(route)[0]?.fields.filter((f) => !f.file).map((f) => [f.name, f.value]) ?? [])
  fields.set('_csrf', session.csrf)
  for (const [k, v] of input.changes) fields.set(k, v)
  const pairs = [...fields].flatMap(([k, v]) => (Array.isArray(v) ? v : [v]).map((x) => [k, x] as [string, string]))
  switch (input.encoding) {
    case 'urlencoded':
      return { path: path + query, body: new URLSearchParams(pairs), headers }
    case 'multipart': {
      const form = new FormData()
      for (const [k, v] of pairs) form.append(k, v)
      if (input.file) form.append(formsFor(route)[0]?.fields.find((f) => f.file)?.name ?? 'audio', new Blob([input.file.bytes.length ? input.file.bytes : SAMPLE.mp3], { type: input.file.type }), input.file.name)
      return { path: path + query, body: form, headers }
    }
    case 'json':
      return { path: path + query, body: JSON.stringify(Object.fromEntries([...fields, ['extra', wrongTypeSample(input)]])), headers: { ...headers, 'content-type': 'application/json' } }
    case 'text':
      return { path: path + query, body: pairs.map((p) => p.join('=')).join('\n'), headers: { ...headers, 'content-type': 'text/plain' } }
    case 'none':
      return { path: path + query, headers }
    case 'multipart-no-boundary':
      return { path: path + query, body: new URLSearchParams(pairs).toString(), headers: { ...headers, 'content-type': 'multipart/form-data' } }
    case 'multipart-truncated': {
      const b = `fz${randomBytes(4).toString('hex')}`
      const parts = pairs.map(([k, v]) => `--${b}\r\ncontent-disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`).join('')
      return { path: path + query, body: parts.slice(0, Math.max(10, parts.length - 7)), headers: { ...headers, 'content-type': `multipart/form-data; boundary=${b}` } }
    }
    case 'raw-urlencoded':
      return { path: path + query, body: `_csrf=${encodeURIComponent(session.csrf)}&${input.raw}`, headers: { ...headers, 'content-type': 'application/x-www-form-urlencoded' } }
  }
}

const wrongTypeSample = (input: WebInput) => fc.sample(wrongType(), { numRuns: 1, seed: input.raw.length })[0]

async function check(route: RouteEntry, input: WebInput): Promise<void> {
  const request = build(route, input)
  const res = await send(route.method, request.path, request.body, request.headers)
  if (process.env.FUZZ_DEBUG) console.warn(route.method, request.path.slice(0, 200), res.status, input.encoding, JSON.stringify(input.changes).slice(0, 200))
  const key = `${route.method} ${route.url} ${res.status}${res.body.match(/data-error="([^"]+)"/)?.[1] ?? ''}`
  statuses.set(key, (statuses.get(key) ?? 0) + 1)
  // Login, logout and registration start a new session: later requests take a fresh one.
  if (res.renewed) await login()
  if (res.status >= 500) throw new Error(`${route.method} ${request.path} answered ${res.status}: ${res.body.slice(0, 300)}`)
  if (res.type.startsWith('text/html')) {
    const found = unescapedReflection(res.body)
    if (found) throw new Error(`${route.method} ${request.path} reflected input unescaped, ${found}`)
  }
  if (canary.hits.length) throw new Error(`${route.method} ${request.path} made the server request the loopback canary: ${canary.hits.join(', ')}`)
}

test('every route and form of the web survives generated bad input: no 5xx, no unescaped reflection, no canary hit', async () => {
  console.warn(`web fuzz: FUZZ_SEED=${settings.seed} FUZZ_RUNS=${settings.runs}, ${routes.length} routes, ${forms.length} forms`)
  expect(routes.length).toBeGreaterThan(40)
  // Every POST route that a page offers a form for is fuzzed from that form; the crawl must find the main ones.
  for (const action of ['/profile', '/jobs', '/language']) expect(forms.some((f) => f.method === 'post' && f.action === action), action).toBe(true)
  expect(forms.some((f) => f.method === 'get' && f.action === '/jobs'), 'the job search').toBe(true)
  const failures = await fuzzRoutes(
    routes,
    settings,
    inputFor,
    async (route, input) => {
      // Keep the session alive across state changes (an admin disabling themself), once per route.
      if (route !== lastRoute && (await send('GET', '/profile')).status !== 200) await login()
      lastRoute = route
      await check(route, input)
    }
  )
  if (process.env.FUZZ_DEBUG) console.warn([...statuses].sort().map(([k, n]) => `${k} x${n}`).join('\n'))
  expect(failures, failures.join('\n\n')).toEqual([])
}, 120_000)

test('a NUL byte in every field of every form and every search: refused, never a 5xx', async () => {
  const sent: string[] = []
  for (const route of routes.filter((r) => r.url !== '/*')) {
    const fieldNames = route.method === 'POST' ? [...new Set(formsFor(route).flatMap((f) => f.fields.filter((x) => !x.file && x.name !== '_csrf').map((x) => x.name)))] : queryNames(route).slice(0, -4)
    const known = knownParams(route, paths)
    const params = patternOf(route).params.map((p) => known[p]?.[0] ?? 'x')
    const cases: WebInput[] = fieldNames.map((name) => ({ params, query: [], encoding: 'urlencoded', changes: [[name, 'Ana\u0000x']], file: null, raw: '', badCookie: null }))
    if (route.method === 'GET') cases.push(...fieldNames.map((name) => ({ ...cases[0]!, changes: [], query: [[name, 'a\u0000b']] as Array<[string, string]> })))
    if (params.length) cases.push({ params: params.map(() => '%00'), query: [], encoding: 'urlencoded', changes: [], file: null, raw: '', badCookie: null })
    for (const input of cases.filter((c) => route.method === 'POST' || c.query.length || c.changes.length === 0)) {
      await check(route, input)
      sent.push(route.url)
    }
  }
  expect(sent.length).toBeGreaterThan(80)
}, 60_000)
