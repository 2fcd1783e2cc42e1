import type { FastifyReply } from 'fastify'
import type { MediaService } from './service.ts'
import type { Media } from './model.ts'
import { parseRange } from './range.ts'

/**
 * Streams a file, or the one byte range asked for (206), from the store; never the whole file in memory.
 * Only after the caller's permission check.
 */
export async function sendMedia(media: MediaService, file: Media, rangeHeader: string | undefined, reply: FastifyReply) {
  const size = file.sizeBytes
  const range = parseRange(rangeHeader, size)
  reply.header('accept-ranges', 'bytes').header('content-type', file.mime)
  if (range === 'unsatisfiable') return reply.code(416).header('content-range', `bytes */${size}`).send()
  const stream = await media.open(file, range)
  // A row without its object is a fault of the store, not of the request: logged, answered 500.
  if (!stream) throw new Error(`media ${file.id}: object ${file.storageKey} is missing from the store`)
  if (range) reply.code(206).header('content-range', `bytes ${range.start}-${range.end}/${size}`)
  return reply.header('content-length', range ? range.end - range.start + 1 : size).send(stream)
}
