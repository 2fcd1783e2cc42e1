import { randomUUID } from 'node:crypto'
import { createWriteStream } from 'node:fs'
import { mkdir, readdir, rm, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { Transform } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { MultipartFile } from '@fastify/multipart'
import type { FormFile } from './form.ts'

declare module 'fastify' {
  interface FastifyRequest {
    /** The temporary files of this request's plain-form file parts, deleted once it is answered. */
    spooled: string[] | null
  }
}

/**
 * A plain (no-JavaScript) form's files never sit whole in memory: each file part streams to a temporary
 * file in `dir` as it arrives, and the body gets a FormFile `{ path, size }` in its place. busboy stops a
 * file at the size limit (`limits.fileSize`), so no more than that is written; the multipart plugin then
 * fails the request with 413 (`file_too_large`). Every temporary file is deleted when the answer has
 * been sent or the client went away, whatever the route did with it (media/ copies it into the store).
 * Returns the multipart plugin's `onFile`.
 */
export function spoolFormFiles(app: FastifyInstance, dir: string): (this: FastifyRequest, part: MultipartFile) => Promise<void> {
  app.decorateRequest('spooled', null)
  const cleanUp = async (req: FastifyRequest) => {
    const paths = req.spooled ?? []
    req.spooled = null
    await Promise.all(paths.map((p) => rm(p, { force: true })))
  }
  app.addHook('onResponse', cleanUp)
  app.addHook('onRequestAbort', cleanUp)
  let ready: Promise<unknown> | undefined

  return async function onFile(this: FastifyRequest, part: MultipartFile) {
    ready ??= mkdir(dir, { recursive: true, mode: 0o700 }).then(() => removeLeftovers(dir))
    await ready
    const path = join(dir, randomUUID())
    ;(this.spooled ??= []).push(path)
    let size = 0
    const count = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        size += chunk.length
        done(null, chunk)
      }
    })
    await pipeline(part.file, count, createWriteStream(path, { mode: 0o600 }))
    const spooled: FormFile = { path, size }
    ;(part as MultipartFile & { value: FormFile }).value = spooled
  }
}

/** A temporary file this old was left by a process that stopped mid-request (no request takes so long). */
export const LEFTOVER_MS = 6 * 3_600_000

/** Deletes what a crashed process left in `dir`: files older than LEFTOVER_MS (other processes' live files are newer). */
export async function removeLeftovers(dir: string, now = Date.now()): Promise<void> {
  for (const name of await readdir(dir)) {
    const path = join(dir, name)
    const info = await stat(path).catch(() => null)
    if (info?.isFile() && now - info.mtimeMs > LEFTOVER_MS) await rm(path, { force: true })
  }
}
