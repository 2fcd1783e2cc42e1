import { expect, test } from 'vitest'
import Fastify from 'fastify'
import fastifyCookie from '@fastify/cookie'
import fastifyCompress from '@fastify/compress'
import { createPublicPages } from './public-pages.ts'

// The rules of public pages on a bare Fastify app (the app's own pages: test/public-pages.test.ts): what is
// remembered, for whom, and that a page rendered while a change happened is never remembered.
async function app() {
  let renders = 0
  let gate: Promise<void> = Promise.resolve()
  const pages = createPublicPages({ ttlMs: 5_000, maxEntries: 10, now: () => 0, variant: () => '' })
  const server = Fastify()
  await server.register(fastifyCompress, { global: true, threshold: 0 })
  await server.register(fastifyCookie)
  server.decorateRequest('user', null)
  server.decorateRequest('lang', 'es')
  server.decorateRequest('csrfIssued', false)
  server.addHook('onRequest', async (req) => {
    req.user = req.headers['x-user'] ? ({ id: String(req.headers['x-user']) } as never) : null
  })
  pages.install(server)
  server.get('/page', { config: { publicPage: true } }, async (req, reply) => {
    const n = ++renders
    await gate
    if (req.query && (req.query as Record<string, string>).token) req.csrfIssued = true
    if (req.query && (req.query as Record<string, string>).cookie) reply.setCookie('seen', '1')
    return reply.type('text/html').send(`<p>render ${n} for ${req.user ? 'someone' : 'anyone'}</p>`)
  })
  server.get('/list', async (req) => pages.shared(req, 'UTC', async () => `list ${++renders}`))
  server.post('/change', async () => 'changed')
  server.post('/language', { config: { keepsPublicPages: true } }, async () => 'kept')
  return {
    server,
    pages,
    get: async (url: string, headers: Record<string, string> = {}) => (await server.inject({ url, headers })).body,
    hold: () => {
      let open!: () => void
      gate = new Promise((resolve) => (open = resolve))
      return () => {
        open()
        gate = Promise.resolve()
      }
    }
  }
}

test('one render for everyone without a session; never for or from a signed-in person', async () => {
  const a = await app()
  expect(await a.get('/page', { 'x-user': 'ana' })).toBe('<p>render 1 for someone</p>')
  expect(await a.get('/page')).toBe('<p>render 2 for anyone</p>')
  expect(await a.get('/page')).toBe('<p>render 2 for anyone</p>')
  expect(await a.get('/page', { 'x-user': 'ana' })).toBe('<p>render 3 for someone</p>')
  const head = await a.server.inject({ method: 'HEAD', url: '/page' })
  expect(head.statusCode).toBe(200)
  expect(head.headers.vary).toBe('accept-encoding, cookie')
})

test('a page given a CSRF token or a cookie, or with a made-up long address, is not remembered', async () => {
  const a = await app()
  expect(await a.get('/page?token=1')).toBe('<p>render 1 for anyone</p>')
  expect(await a.get('/page?token=1')).toBe('<p>render 2 for anyone</p>')
  expect(await a.get('/page?cookie=1')).toBe('<p>render 3 for anyone</p>')
  expect(await a.get('/page?cookie=1')).toBe('<p>render 4 for anyone</p>')
  const long = `/page?x=${'a'.repeat(600)}`
  expect(await a.get(long)).toBe('<p>render 5 for anyone</p>')
  expect(await a.get(long)).toBe('<p>render 6 for anyone</p>')
})

test('a change forgets every page; a POST that changes nothing public does not; a failed one does not', async () => {
  const a = await app()
  await a.get('/page')
  await a.server.inject({ method: 'POST', url: '/language' })
  expect(await a.get('/page')).toBe('<p>render 1 for anyone</p>')
  await a.server.inject({ method: 'POST', url: '/nowhere' })
  expect(await a.get('/page')).toBe('<p>render 1 for anyone</p>')
  await a.server.inject({ method: 'POST', url: '/change' })
  expect(await a.get('/page')).toBe('<p>render 2 for anyone</p>')
})

test('a page or list rendered while a change happened is sent but not remembered', async () => {
  const a = await app()
  const release = a.hold()
  const before = a.get('/page') // renders, then waits at the gate (reading the database, say)
  await new Promise((resolve) => setImmediate(resolve))
  await a.server.inject({ method: 'POST', url: '/change' })
  release()
  expect(await before).toBe('<p>render 1 for anyone</p>')
  expect(await a.get('/page')).toBe('<p>render 2 for anyone</p>')
  expect(await a.get('/page')).toBe('<p>render 2 for anyone</p>')

  const req = { lang: 'es', url: '/list' } as never
  let open!: () => void
  const slow = a.pages.shared(req, 'UTC', () => new Promise<string>((resolve) => (open = () => resolve('old list'))))
  a.pages.forget()
  open()
  expect(await slow).toBe('old list')
  expect(await a.pages.shared(req, 'UTC', async () => 'new list')).toBe('new list')
  expect(await a.pages.shared(req, 'UTC', async () => 'newer list')).toBe('new list')
})

test('a value is read once for everyone, frozen, forgotten at a change, and not kept when a change raced its read', async () => {
  const a = await app()
  let reads = 0
  const read = async () => ({ n: ++reads })
  const first = await a.pages.value('job:1', read)
  expect(first).toEqual({ n: 1 })
  expect(Object.isFrozen(first)).toBe(true)
  expect(await a.pages.value('job:1', read)).toBe(first)
  expect(await a.pages.value('job:2', read)).toEqual({ n: 2 })
  await a.server.inject({ method: 'POST', url: '/change' })
  expect(await a.pages.value('job:1', read)).toEqual({ n: 3 })

  let open!: () => void
  const slow = a.pages.value('job:3', () => new Promise<{ n: number }>((resolve) => (open = () => resolve({ n: -1 }))))
  a.pages.forget()
  open()
  expect(await slow).toEqual({ n: -1 })
  expect(await a.pages.value('job:3', read)).toEqual({ n: 4 })
  expect(await a.pages.value('job:3', read)).toEqual({ n: 4 })
})
