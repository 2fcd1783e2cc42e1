import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import fc from 'fast-check'

/**
 * The pieces every service's fuzz suite shares (test code only): the routes of a Fastify app read
 * from its router, the seed and run count (FUZZ_SEED, FUZZ_RUNS, FUZZ_ROUTE), generators of hostile
 * input, a loopback canary that counts requests made to it, and the reflection check of HTML answers.
 */

export interface RouteEntry {
  method: string
  /** Fastify's pattern, e.g. `/jobs/:id/edit`. */
  url: string
}

/**
 * Every route of the app, read from Fastify's own router (`printRoutes`), so that a route added
 * tomorrow is fuzzed without anyone listing it. HEAD routes Fastify adds beside GET are left out.
 */
export function routesOf(app: { printRoutes(options: { commonPrefix: boolean }): string }): RouteEntry[] {
  const routes: RouteEntry[] = []
  const stack: string[] = []
  for (const line of app.printRoutes({ commonPrefix: false }).split('\n')) {
    const branch = /[├└]── /.exec(line)
    if (!branch) continue
    // Four characters of tree drawing per level.
    const depth = branch.index / 4
    const match = /^(.*?)(?: \(([A-Z, ]+)\))?$/.exec(line.slice(branch.index + 4))!
    stack.length = depth
    stack.push(match[1]!)
    if (!match[2]) continue
    const joined = stack.join('').replace(/\/{2,}/g, '/')
    const url = joined.startsWith('/') ? joined : `/${joined}`
    for (const method of match[2].split(', ')) if (method !== 'HEAD') routes.push({ method, url })
  }
  return routes
}

/**
 * The seed CI runs with: the same inputs every run, so a red run is the code's doing and replays as it is.
 * `FUZZ_SEED=random` explores new inputs (print and keep the seed of a failure); `FUZZ_SEED=<n>` replays one.
 */
export const DEFAULT_FUZZ_SEED = 20261127

/** The seed of this run (FUZZ_SEED replays one), how many runs each route gets, and an optional route filter. */
export function fuzzSettings(defaultRuns: number) {
  const given = process.env.FUZZ_SEED
  const seed = given === 'random' ? Math.floor(Math.random() * 2 ** 31) : given ? Number(given) : DEFAULT_FUZZ_SEED
  const runs = process.env.FUZZ_RUNS ? Number(process.env.FUZZ_RUNS) : defaultRuns
  const only = process.env.FUZZ_ROUTE
  return {
    seed,
    runs,
    /** True for the routes this run fuzzes (`FUZZ_ROUTE="POST /jobs"` keeps one). */
    includes: (route: RouteEntry) => !only || `${route.method} ${route.url}` === only,
    /** fast-check options for the i-th route: its own seed, derived from the run's. */
    options(index: number): fc.Parameters<unknown> {
      return { seed: seed + index, numRuns: runs, endOnFailure: true, ...(process.env.FUZZ_PATH ? { path: process.env.FUZZ_PATH } : {}) }
    },
    /** How to run one failing route again, printed with every failure. */
    replay: (route: RouteEntry) => `FUZZ_SEED=${seed} FUZZ_ROUTE="${route.method} ${route.url}"`
  }
}

/**
 * Runs `property` for each route with its own seed; collects failures rather than stopping at the
 * first, so one run reports every broken route, each with the line that replays it.
 */
export async function fuzzRoutes<T>(
  routes: RouteEntry[],
  settings: ReturnType<typeof fuzzSettings>,
  arbitrary: (route: RouteEntry) => fc.Arbitrary<T>,
  check: (route: RouteEntry, input: T) => Promise<void>
): Promise<string[]> {
  const failures: string[] = []
  for (const [index, route] of routes.entries()) {
    if (!settings.includes(route)) continue
    const details = await fc.check(
      fc.asyncProperty(arbitrary(route), (input) => check(route, input)),
      settings.options(index)
    )
    if (details.failed) {
      const error = details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance)
      failures.push(
        `${route.method} ${route.url}: ${error.slice(0, 600)}\n  input: ${fc.stringify(details.counterexample).slice(0, 600)}\n` +
          `  replay: ${settings.replay(route)} FUZZ_PATH=${details.counterexamplePath} (route seed ${details.seed})`
      )
    }
  }
  return failures
}

/** A loopback HTTP server that counts every request it gets: a server refusing such targets leaves it at 0. */
export async function startCanary() {
  const hits: string[] = []
  const server: Server = createServer((req, res) => {
    hits.push(`${req.method} ${req.url}`)
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"canary":"secret-canary-body"}')
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return { port, url: `http://127.0.0.1:${port}`, hits, close: () => new Promise<void>((resolve) => server.close(() => resolve())) }
}

/**
 * Where generated input became markup in an HTML answer: an element `<fz-x` in text, or an attribute
 * `fz-x` inside a tag (a quote that broke out of an attribute value). `<` inside a quoted attribute
 * value is harmless and not counted. A small tokenizer, not a parser: enough for our own templates.
 */
export function unescapedReflection(html: string): string | undefined {
  let state: 'text' | 'tag' | 'dq' | 'sq' = 'text'
  for (let i = 0; i < html.length; i++) {
    const ch = html[i]
    if (state === 'text') {
      if (ch !== '<') continue
      if (html.startsWith('<fz-x', i)) return `an element made of input: ${html.slice(Math.max(0, i - 80), i + 40)}`
      if (/[a-zA-Z/!]/.test(html[i + 1] ?? '')) state = 'tag'
    } else if (state === 'tag') {
      if (ch === '>') state = 'text'
      else if (ch === '"') state = 'dq'
      else if (ch === "'") state = 'sq'
      else if (html.startsWith('fz-x', i) && /[\s"'/]/.test(html[i - 1] ?? '')) return `an attribute made of input: ${html.slice(Math.max(0, i - 80), i + 40)}`
    } else if ((state === 'dq' && ch === '"') || (state === 'sq' && ch === "'")) state = 'tag'
  }
  return undefined
}

const CONTROLS = ['\u0000', '\u0001', '\u0007', '\b', '\u000b', '\u000c', '\u001b[31m', '\u007f', '\u0085', '\u2028', '\ufeff', '\r\n', '\t']
const INJECTIONS = ['<fz-x>', '"><fz-x a=1>', '" fz-x="1', "' fz-x='1", '</textarea><fz-x>', '</title><fz-x>', '<script>fz-x</script><fz-x>', '{{fz-x}}${fz-x}']
const TRAVERSAL = ['../../../../etc/passwd', '..%2f..%2fetc%2fpasswd', '/dev/zero', '/proc/self/environ', '..\\..\\win.ini', '/etc/passwd\u0000.pem', '....//....//etc', '%2e%2e%2f']
const ODD_UNICODE = ['\ud800', '\udfff', 'e\u0301', '\u202eevil', 'ǅ', '𝕏', '\uffff', '😀'.repeat(50), 'İ', 'ß']

/** Text a person or a client should never be trusted with: control characters, markup, traversal, odd Unicode. */
export function hostileText(options: { long?: boolean } = {}): fc.Arbitrary<string> {
  const piece = fc.oneof(
    // NUL first: PostgreSQL refuses it in text, so it is the one most likely to become a 500.
    { weight: 3, arbitrary: fc.constant('\u0000') },
    { weight: 3, arbitrary: fc.constantFrom(...CONTROLS) },
    fc.constantFrom(...INJECTIONS),
    fc.constantFrom(...TRAVERSAL),
    fc.constantFrom(...ODD_UNICODE),
    fc.string({ unit: 'binary', maxLength: 20 }),
    fc.string({ maxLength: 12 })
  )
  return fc.oneof(
    { weight: 6, arbitrary: fc.array(piece, { minLength: 1, maxLength: 4 }).map((parts) => parts.join('')) },
    // Mostly ordinary text with one control character in it, as a pasted or garbled line would be.
    { weight: 3, arbitrary: fc.tuple(fc.string({ maxLength: 8 }), fc.oneof(fc.constant('\u0000'), fc.constantFrom(...CONTROLS)), fc.string({ maxLength: 8 })).map((p) => `Ana${p.join('')}`) },
    { weight: 1, arbitrary: fc.constantFrom('', ' ', '0', '-1', 'null', 'undefined', 'true', '[]', '{}') },
    // Long but under the body limits: long enough to find missing maxLength checks and slow paths.
    { weight: options.long === false ? 0 : 1, arbitrary: fc.integer({ min: 300, max: 20_000 }).map((n) => 'Ü<fz-x>'.repeat(Math.ceil(n / 7)).slice(0, n)) }
  )
}

/** Amounts of every wrong shape (and a few right ones, so that the valid path is reached too). */
export function hostileAmount(): fc.Arbitrary<string> {
  return fc.oneof(
    fc.constantFrom('-1', '0', '0.00', '-0', '1e309', '1e-7', 'NaN', 'Infinity', '-Infinity', '1,50', '1.234567890123456789', '99999999999999999999999999999999', '0x10', ' 1', '1 ', '١٢٣', '１２', '+5', '.5', '5.', '--5', '1_000', '1.2.3', '12.50', '1'),
    fc.bigInt({ min: -(2n ** 80n), max: 2n ** 80n }).map(String),
    fc.double().map(String)
  )
}

/** URLs a server must not fetch for a client: the canary on loopback written many ways, metadata, other schemes. */
export function hostileUrl(canaryPort: number): fc.Arbitrary<string> {
  const p = canaryPort
  return fc.constantFrom(
    `http://127.0.0.1:${p}/wallet`,
    `http://localhost:${p}/alice`,
    `http://[::1]:${p}/x`,
    `http://[::ffff:127.0.0.1]:${p}/x`,
    `http://0x7f000001:${p}/x`,
    `http://2130706433:${p}/x`,
    `http://127.1:${p}/x`,
    `https://127.0.0.1:${p}/x`,
    `http://user:pass@127.0.0.1:${p}/x`,
    `http://127.0.0.1:${p}/x#@example.com`,
    'http://169.254.169.254/latest/meta-data/',
    'http://10.0.0.1/',
    'file:///etc/passwd',
    'javascript:alert(1)',
    'gopher://127.0.0.1:25/',
    'http://',
    'https://exa mple.com/',
    '//evil.example/',
    '/\\evil.example'
  )
}

/** Values of the wrong JSON type, for APIs that expect strings or numbers. */
export function wrongType(): fc.Arbitrary<unknown> {
  return fc.oneof(
    fc.constantFrom(null, true, false, 0, -1, 1.5, 1e308, [], {}, ['a'], { a: 1 }, JSON.parse('{"__proto__":{"admin":true}}'), { constructor: { prototype: { x: 1 } } }),
    fc.integer(),
    fc.letrec((tie) => ({ nest: fc.oneof({ depthSize: 'small' }, fc.constant(1), fc.array(tie('nest'), { maxLength: 3 })) })).nest
  )
}

/** Percent-encodes every UTF-8 byte, lone surrogates included (encodeURIComponent throws on them). */
export function encodeSegment(text: string): string {
  return [...Buffer.from(text, 'utf8')].map((b) => `%${b.toString(16).padStart(2, '0')}`).join('')
}

/** A path parameter: a known good one (so deeper code is reached), or a hostile segment. */
export function pathParam(known: string[]): fc.Arbitrary<string> {
  const hostile = fc.oneof(
    hostileText({ long: false }).map(encodeSegment),
    fc.constantFrom('..', '%2e%2e', '..%2f..%2f', '%00', '%ff', '%', '%zz', '00000000-0000-0000-0000-000000000000', '-1', '9'.repeat(40), 'a'.repeat(3000))
  )
  return known.length ? fc.oneof(fc.constantFrom(...known), hostile) : hostile
}
