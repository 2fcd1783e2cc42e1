import { rm } from 'node:fs/promises'
import { desc, eq } from 'drizzle-orm'
import { createLogger, createTestDatabase, type Clock, type Database, type Db, type Logger } from '@voces/platform'
import { buildWebApp, type WebApp } from '../src/app.ts'
import { testWebConfig, type WebConfig } from '../src/config.ts'
import { createFakePaymentsClient, type FakePaymentsClient } from '../src/payments-client/fake.ts'
import { fundings, type Funding } from '../src/funding/model.ts'

export interface TestWeb {
  web: WebApp
  database: Database
  payments: FakePaymentsClient
  config: WebConfig
  baseUrl: string
  close(): Promise<void>
}

/** The real composition root on a fresh database, listening on a free port, with a fake payments service. */
export async function startTestWeb(
  overrides: Partial<WebConfig> = {},
  options: {
    logger?: Logger
    clock?: Clock
    /** What the app is given instead of the database (e.g. to count its queries). */
    wrap?: (database: Database) => Database
    /** Another test web app's database, shared (not closed by this app's close()); by default a new one. */
    database?: Database
  } = {}
): Promise<TestWeb> {
  const database = options.database ?? (await createTestDatabase())
  const payments = createFakePaymentsClient()
  const config = testWebConfig(overrides)
  const logger = options.logger ?? createLogger({ level: 'silent' })
  const web = await buildWebApp({
    config,
    database: options.wrap ? options.wrap(database) : database,
    logger,
    paymentsClient: payments,
    ...(options.clock ? { clock: options.clock } : {})
  })
  const baseUrl = await web.start()
  return {
    web,
    database,
    payments,
    config,
    baseUrl,
    async close() {
      await web.stop()
      if (!options.database) await database.close()
      await rm(config.uploadDir, { recursive: true, force: true })
    }
  }
}

export interface Response {
  status: number
  html: string
  location: string | null
  headers: Headers
}

/** A cookie-keeping HTTP client that fills in each form's CSRF token the way a browser would. */
export class Agent {
  private cookies = new Map<string, string>()
  csrf = ''
  constructor(private baseUrl: string) {}

  cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ')
  }

  private remember(headers: Headers): void {
    for (const c of headers.getSetCookie()) {
      const [pair] = c.split(';')
      const i = pair!.indexOf('=')
      const name = pair!.slice(0, i)
      const value = pair!.slice(i + 1)
      if (value === '' || /expires=Thu, 01 Jan 1970/i.test(c)) this.cookies.delete(name)
      else this.cookies.set(name, value)
      // A new session (login, logout) has a new CSRF secret: like a browser, the next form comes from a new page.
      if (name === 'sid' || name === '_csrf') this.csrf = ''
    }
  }

  async request(method: string, path: string, body?: RequestInit['body'], headers: Record<string, string> = {}): Promise<Response> {
    const res = await fetch(`${this.baseUrl}${path}`, {
      method,
      body: body ?? null,
      redirect: 'manual',
      headers: { cookie: this.cookieHeader(), ...headers }
    })
    this.remember(res.headers)
    const html = await res.text()
    const token = /name="_csrf" value="([^"]+)"/.exec(html)
    if (token) this.csrf = token[1]!
    return { status: res.status, html, location: res.headers.get('location'), headers: res.headers }
  }

  get(path: string): Promise<Response> {
    return this.request('GET', path)
  }

  /** A page with a form, as a browser has one before it posts: the header's forms when signed in, else the login form. */
  private fetchToken(): Promise<Response> {
    return this.get(this.cookies.has('sid') ? '/' : '/login')
  }

  /** Posts url-encoded fields; the CSRF token is added unless `_csrf` is given (use '' to omit). */
  async post(path: string, fields: Record<string, string | string[]> = {}): Promise<Response> {
    if (!this.csrf) await this.fetchToken()
    const params = new URLSearchParams()
    if (!('_csrf' in fields)) params.append('_csrf', this.csrf)
    for (const [k, v] of Object.entries(fields)) for (const x of Array.isArray(v) ? v : [v]) if (x !== '' || k !== '_csrf') params.append(k, x)
    return this.request('POST', path, params, { 'content-type': 'application/x-www-form-urlencoded' })
  }

  /** Posts multipart/form-data, files as Buffers. */
  async postMultipart(path: string, fields: Record<string, string | string[] | Buffer>): Promise<Response> {
    if (!this.csrf) await this.fetchToken()
    const form = new FormData()
    form.append('_csrf', this.csrf)
    for (const [k, v] of Object.entries(fields)) {
      if (Buffer.isBuffer(v)) form.append(k, new Blob([new Uint8Array(v)]), `${k}.bin`)
      else for (const x of Array.isArray(v) ? v : [v]) form.append(k, x)
    }
    return this.request('POST', path, form)
  }

  async register(username: string, role: 'funder' | 'creator' | 'both' = 'both', password = 'secret123'): Promise<Response> {
    return this.post('/register', { username, password, displayName: username, role })
  }
}

/** People who register through the form, one Agent each (its session kept), in the order given. */
export async function signUp<const P extends readonly (readonly [username: string, role: 'funder' | 'creator' | 'both'])[]>(
  baseUrl: string,
  ...people: P
): Promise<{ -readonly [K in keyof P]: Agent }> {
  const agents: Agent[] = []
  for (const [username, role] of people) {
    const agent = new Agent(baseUrl)
    await agent.register(username, role)
    agents.push(agent)
  }
  return agents as { -readonly [K in keyof P]: Agent }
}

/** Minimal valid files, recognised by content sniffing. */
export const SAMPLE = {
  png: Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8ffff3f0005fe02fea7d605a30000000049454e44ae426082', 'hex'),
  // An MP3 frame header (MPEG-1 Layer III) preceded by an ID3 tag.
  mp3: Buffer.concat([Buffer.from('ID3\x03\x00\x00\x00\x00\x00\x00', 'binary'), Buffer.from([0xff, 0xfb, 0x90, 0x64]), Buffer.alloc(400)]),
  exe: Buffer.concat([Buffer.from('MZ'), Buffer.alloc(200, 1)]),
  text: Buffer.from('Nehua nitlahtoa nahuatl.\n', 'utf8')
}

const day = (n: number) => new Date(Date.now() + n * 86_400_000).toISOString().slice(0, 10)

/** Form fields of a valid job, published unless `action: 'draft'`. */
export function jobFields(overrides: Record<string, string | string[]> = {}) {
  return {
    title: 'Cuento en náhuatl',
    description: 'Grabar un cuento corto',
    language: 'nah',
    dialect: '',
    deliverableTypes: ['audio', 'text'],
    amount: '12.50',
    maxResponses: '2',
    recruitLimit: '3',
    recruitDeadline: day(5),
    submitLimit: '2',
    submitDays: '3',
    expiresAt: day(30),
    action: 'publish',
    ...overrides
  }
}

/**
 * The owner pays the job into escrow through the fake payments service, which confirms the money at
 * once: work starts only on a funded job. Sets the owner's wallet first when `wallet` is given.
 */
export async function fundWithFake(
  owner: Agent,
  app: { db: Db; payments: FakePaymentsClient; fundings: { refreshOpen(): Promise<unknown> } },
  jobId: string,
  wallet?: string
): Promise<Funding> {
  if (wallet) await owner.postMultipart('/profile', { displayName: 'Owner', walletAddress: wallet, roles: 'funder', preferredLanguage: 'es' })
  await owner.post(`/jobs/${jobId}/funding`)
  const [f] = await app.db.select().from(fundings).where(eq(fundings.jobId, jobId)).orderBy(desc(fundings.createdAt))
  app.payments.settle(f!.pendingId!, 'completed')
  await app.fundings.refreshOpen()
  return f!
}

/**
 * Brings a job whose one applicant applied into work through its forms: the owner selects the applicant,
 * pays the job into escrow through the fake (setting her wallet first when `wallet` is given) and starts.
 */
export async function selectFundAndStart(t: TestWeb, owner: Agent, jobId: string, wallet?: string): Promise<{ application: string; funding: Funding; started: Response }> {
  const application = /data-application="([^"]+)"/.exec((await owner.get(`/jobs/${jobId}`)).html)![1]!
  await owner.post(`/applications/${application}/decide`, { state: 'selected' })
  const funding = await fundWithFake(owner, { db: t.database.db, payments: t.payments, fundings: t.web.services.fundings }, jobId, wallet)
  return { application, funding, started: await owner.post(`/jobs/${jobId}/start`) }
}
