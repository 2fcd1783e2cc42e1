import type { FastifyInstance } from 'fastify'
import type { MediaService } from './service.ts'
import { errorPage } from '../http/render.tsx'
import { keepOffline } from '../http/offline.ts'
import { sendMedia } from './send.ts'

export function mediaRoutes(app: FastifyInstance, media: MediaService): void {
  // Not compressed: media is compressed already, and a byte range must count the stored bytes.
  app.get<{ Params: { id: string } }>('/media/:id', { compress: false }, async (req, reply) => {
    const file = await media.get(req.params.id)
    // Someone who may not read a file learns nothing, not even that it exists.
    if (!file || !(await media.canRead(req.user, file))) return errorPage(req, reply, 'not_found')
    reply
      .header('x-content-type-options', 'nosniff')
      .header('content-disposition', 'inline')
      .header('content-security-policy', "default-src 'none'; media-src 'self'; img-src 'self'; sandbox")
      .header('cache-control', 'private, max-age=3600')
    // A job's reference file is kept with the person's pages, to listen to offline (public/sw.js).
    if (file.purpose === 'job_reference') keepOffline(reply, 'media')
    return sendMedia(media, file, req.headers.range, reply)
  })
}
