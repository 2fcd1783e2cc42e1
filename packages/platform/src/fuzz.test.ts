import { expect, test } from 'vitest'
import Fastify from 'fastify'
import { routesOf, unescapedReflection } from './fuzz.ts'

test('input turned into markup is found; input escaped or inside a quoted attribute value is not', () => {
  expect(unescapedReflection('<input value="a<fz-x>">')).toBeUndefined()
  expect(unescapedReflection('<p>&lt;fz-x&gt; " fz-x="</p>')).toBeUndefined()
  expect(unescapedReflection('<p>a<fz-x></p>')).toContain('element')
  expect(unescapedReflection('<input value="a" fz-x="1">')).toContain('attribute')
  expect(unescapedReflection("<input value='a' fz-x='1'>")).toContain('attribute')
})

test('routes are read from the router, nested and parameterised, without the HEAD twins', async () => {
  const app = Fastify()
  for (const url of ['/', '/jobs', '/jobs/new', '/jobs/:id', '/jobs/:id/edit', '/a/b/:c']) app.get(url, async () => '')
  app.post('/jobs/:id/edit', async () => '')
  app.put('/z', async () => '')
  await app.ready()
  const found = routesOf(app).map((r) => `${r.method} ${r.url}`).sort()
  expect(found).toEqual(['GET /', 'GET /a/b/:c', 'GET /jobs', 'GET /jobs/:id', 'GET /jobs/:id/edit', 'GET /jobs/new', 'POST /jobs/:id/edit', 'PUT /z'])
  await app.close()
})
