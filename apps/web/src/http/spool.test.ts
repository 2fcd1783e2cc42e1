import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { mkdir, mkdtemp, readdir, readFile, rm, utimes, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { randomBytes } from 'node:crypto'
import Fastify, { type FastifyInstance } from 'fastify'
import fastifyMultipart from '@fastify/multipart'
import { LEFTOVER_MS, removeLeftovers, spoolFormFiles } from './spool.ts'
import { file, str, type FormFile } from './form.ts'

const LIMIT = 64 * 1024
let app: FastifyInstance
let dir: string
let base: string
/** What the route saw: the form's file as the body carries it, and its bytes on disk at that moment. */
let seen: { value: unknown; onDisk: Buffer | null; note: string } | undefined

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'voces-spool-test-'))
  // What a crashed process left: a file older than any request takes (gone at the first form: every test
  // below that finds the folder empty checks it).
  await mkdir(join(dir, 'incoming'))
  await writeFile(join(dir, 'incoming', 'left-by-a-crash'), 'x')
  const old = new Date(Date.now() - LEFTOVER_MS - 60_000)
  await utimes(join(dir, 'incoming', 'left-by-a-crash'), old, old)
  app = Fastify()
  await app.register(fastifyMultipart, { attachFieldsToBody: 'keyValues', onFile: spoolFormFiles(app, join(dir, 'incoming')), limits: { fileSize: LIMIT } })
  app.setErrorHandler((error: Error & { statusCode?: number }, _req, reply) => reply.code(error.statusCode ?? 500).send(error.message))
  app.post('/form', async (req) => {
    const b = req.body as Record<string, unknown>
    const f = file(b, 'audio')
    seen = { value: b.audio, onDisk: f ? await readFile(f.path) : null, note: str(b, 'note') }
    return 'ok'
  })
  base = await app.listen({ port: 0, host: '127.0.0.1' })
})
afterAll(async () => {
  await app.close()
  await rm(dir, { recursive: true, force: true })
})

/** A multipart body made as it is sent (never whole in this process either): a note and `size` bytes of file. */
function streamedForm(size: number): { body: ReadableStream<Uint8Array>; type: string } {
  const boundary = `b${randomBytes(8).toString('hex')}`
  const head = Buffer.from(
    `--${boundary}\r\ncontent-disposition: form-data; name="note"\r\n\r\nhola\r\n` +
      `--${boundary}\r\ncontent-disposition: form-data; name="audio"; filename="a.mp3"\r\ncontent-type: audio/mpeg\r\n\r\n`
  )
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`)
  let left = size
  let started = false
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (!started) {
        started = true
        return controller.enqueue(head)
      }
      if (left > 0) {
        const n = Math.min(left, 64 * 1024)
        left -= n
        return controller.enqueue(new Uint8Array(n).fill(7))
      }
      controller.enqueue(tail)
      controller.close()
    }
  })
  return { body, type: `multipart/form-data; boundary=${boundary}` }
}

const post = (size: number) => {
  const form = streamedForm(size)
  return fetch(`${base}/form`, { method: 'POST', body: form.body, headers: { 'content-type': form.type }, duplex: 'half' } as RequestInit)
}

describe('plain-form files stream to disk', () => {
  test('the route gets a file on disk (path and size), never the bytes in the body; it is gone once answered', async () => {
    const res = await post(LIMIT - 10)
    expect(res.status).toBe(200)
    const value = seen!.value as FormFile
    expect(Buffer.isBuffer(value)).toBe(false)
    expect(value.size).toBe(LIMIT - 10)
    expect(value.path.startsWith(join(dir, 'incoming'))).toBe(true)
    expect(seen!.onDisk!.equals(Buffer.alloc(LIMIT - 10, 7))).toBe(true)
    expect(seen!.note).toBe('hola')
    // Deleted once the answer has gone out (onResponse), so just after the client has it.
    await expect.poll(() => readdir(join(dir, 'incoming'))).toEqual([])
  })

  test('a file over the limit is cut off while it streams and refused with 413; nothing is left on disk', async () => {
    seen = undefined
    // 16 MB against a 64 KB limit: busboy stops writing at the limit and the rest is discarded as it arrives.
    const res = await post(16 * 1024 * 1024)
    expect(res.status).toBe(413)
    expect(seen).toBeUndefined()
    // Deleted once the answer has gone out (onResponse), so just after the client has it.
    await expect.poll(() => readdir(join(dir, 'incoming'))).toEqual([])
  })

  test('an empty file input is no file', async () => {
    expect((await post(0)).status).toBe(200)
    expect(file({ audio: seen!.value }, 'audio')).toBeUndefined()
  })
})

test('leftovers: a file older than any request is deleted, a file another process may be writing is not', async () => {
  const folder = await mkdtemp(join(tmpdir(), 'voces-spool-left-'))
  await writeFile(join(folder, 'old'), 'x')
  await writeFile(join(folder, 'live'), 'x')
  const now = Date.now()
  const old = new Date(now - LEFTOVER_MS - 60_000)
  await utimes(join(folder, 'old'), old, old)
  await removeLeftovers(folder, now)
  expect(await readdir(folder)).toEqual(['live'])
  await rm(folder, { recursive: true, force: true })
})
