import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { Server } from '@tus/server'
import type { MediaService } from './service.ts'
import { createReadStream } from 'node:fs'
import { errorPage } from '../http/render.tsx'
import { TUS_CLIENT_PATH } from '../views/upload.tsx'

/** Set by us on the raw request (never trusted from the client) so that tus's hooks know the uploader. */
const UPLOADER = 'x-voces-uploader'
const KINDS = ['audio', 'video', 'image'] as const
type UploadKind = (typeof KINDS)[number]
const isKind = (v: unknown): v is UploadKind => KINDS.includes(v as UploadKind)

/**
 * Resumable uploads (the tus protocol, `@tus/server`) at /uploads, into the same storage as every
 * medium (media.uploads(): a folder of WEB_UPLOAD_DIR, or multipart uploads in the bucket). Only a
 * signed-in person may upload, with the session's CSRF token in a `csrf-token` header (a page from
 * another site cannot send it), and only to their own uploads (anyone else gets 404). A finished
 * upload is checked like a form's file (type by content, size) and deleted when refused; a form then
 * names it (`<field>Upload`) and media.store() checks it again and moves it into place.
 */
export async function uploadRoutes(app: FastifyInstance, deps: { media: MediaService; maxUploadBytes: number }): Promise<void> {
  const refusal = { file_too_large: 413, file_type: 415, upload_missing: 404 } as const
  const server = new Server({
    path: '/uploads',
    datastore: deps.media.uploads(),
    maxSize: deps.maxUploadBytes,
    relativeLocation: true,
    async onUploadCreate(req, upload) {
      const owner = req.headers.get(UPLOADER)
      if (!owner) throw { status_code: 404, body: 'Not found\n' }
      if (!isKind(upload.metadata?.kind)) throw { status_code: 400, body: 'metadata kind must be audio, video or image\n' }
      return { metadata: { ...upload.metadata, owner } }
    },
    async onUploadFinish(_req, upload) {
      const kind = upload.metadata?.kind
      const checked = await deps.media.checkUpload({ uploadId: upload.id }, null, isKind(kind) ? kind : 'audio')
      if (checked in refusal) {
        // A refused upload leaves nothing behind.
        await deps.media.uploads().remove(upload.id)
        throw { status_code: refusal[checked as keyof typeof refusal], body: `${checked}\n` }
      }
      return {}
    }
  })

  // The browser side (tus-js-client's own build), loaded only by forms that upload; cache-busted by ?v=.
  app.get('/static/vendor/tus.min.js', (_req, reply) =>
    reply
      .header('content-type', 'text/javascript; charset=utf-8')
      .header('cache-control', 'public, max-age=31536000, immutable')
      .send(createReadStream(TUS_CLIENT_PATH))
  )

  // tus reads the body itself, as a stream: Fastify must leave it alone.
  app.addContentTypeParser('application/offset+octet-stream', (_req, _payload, done) => done(null))

  async function handle(req: FastifyRequest<{ Params: { id?: string } }>, reply: FastifyReply) {
    if (!req.user) return reply
    const id = req.params.id
    if (id !== undefined) {
      const upload = await deps.media
        .uploads()
        .getUpload(id)
        .catch(() => null)
      if (!upload || upload.metadata?.owner !== req.user.id) return errorPage(req, reply, 'not_found')
    }
    // tus builds its request from the raw header list: any value the client sent is dropped, ours added.
    const raw = req.raw.rawHeaders
    const kept: string[] = []
    for (let i = 0; i < raw.length; i += 2) if (raw[i]!.toLowerCase() !== UPLOADER) kept.push(raw[i]!, raw[i + 1]!)
    req.raw.rawHeaders.splice(0, raw.length, ...kept, UPLOADER, req.user.id)
    req.raw.headers[UPLOADER] = req.user.id
    reply.hijack()
    await server.handle(req.raw, reply.raw)
  }

  // The global hook checks CSRF on POST only; here every method changes something, so each is checked.
  // Signed out: 404 before anything else is looked at.
  const signedIn = async (req: FastifyRequest, reply: FastifyReply) => {
    if (!req.user) return errorPage(req, reply, 'not_found')
    return undefined
  }
  const options = { config: { skipCsrf: true }, preHandler: [signedIn, app.csrfProtection], compress: false as const }
  app.route({ method: 'POST', url: '/uploads', ...options, handler: handle })
  app.route({ method: ['HEAD', 'PATCH', 'DELETE'], url: '/uploads/:id', ...options, handler: handle })
}
