import type { FastifyInstance } from 'fastify'
import type { MediaService } from './service.ts'
import { errorPage } from '../http/render.tsx'

export function mediaRoutes(app: FastifyInstance, media: MediaService): void {
  app.get<{ Params: { id: string } }>('/media/:id', async (req, reply) => {
    const file = await media.get(req.params.id)
    // Someone who may not read a file learns nothing, not even that it exists.
    if (!file || !(await media.canRead(req.user, file))) return errorPage(req, reply, 'not_found')
    const bytes = await media.read(file)
    return reply
      .header('content-type', file.mime)
      .header('x-content-type-options', 'nosniff')
      .header('content-disposition', 'inline')
      .header('content-security-policy', "default-src 'none'; media-src 'self'; img-src 'self'; sandbox")
      .header('cache-control', 'private, max-age=3600')
      .send(bytes)
  })
}
