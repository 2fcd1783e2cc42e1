import { randomUUID } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { open } from 'node:fs/promises'
import type { Readable } from 'node:stream'
import { and, eq, inArray, sql } from 'drizzle-orm'
import { fileTypeFromBuffer } from 'file-type'
import { queryRows, systemClock, type Clock, type Db, type Logger } from '@voces/platform'
import { media, type Media, type MediaPurpose } from './model.ts'
import type { MediaKind } from '../domain/deliverables.ts'
import { isUuid } from '../domain/ids.ts'
import type { MediaError } from './errors.ts'
import type { User } from '../domain/user.ts'
import { isFormFile, type FormFile, type UploadRef } from '../http/form.ts'
import { mediaKey, type ByteRange, type MediaStore } from './store/index.ts'
import { createMediaSweep } from './sweep.ts'

/** What content (sniffed from the bytes, never the name or the browser's claim) each kind accepts. */
const ALLOWED: Record<Exclude<MediaKind, 'text'>, readonly string[]> = {
  // In-browser recordings are Opus in WebM, which sniffs as video/webm.
  audio: ['audio/mpeg', 'audio/ogg', 'audio/opus', 'audio/wav', 'audio/x-wav', 'audio/mp4', 'audio/x-m4a', 'audio/aac', 'audio/webm', 'video/webm', 'audio/flac', 'audio/x-flac'],
  video: ['video/mp4', 'video/webm', 'video/quicktime', 'video/3gpp', 'video/ogg'],
  image: ['image/jpeg', 'image/png', 'image/webp', 'image/gif']
}
/** file-type decides from the first bytes; this many are read from a finished resumable upload. */
const SNIFF_BYTES = 4100

/** A form's file: spooled to disk (plain multipart form), a finished resumable upload it names, or bytes at hand. */
export type MediaBody = Buffer | FormFile | UploadRef

/** The first bytes of a spooled form file, for sniffing. */
async function headOf(path: string): Promise<Buffer> {
  const handle = await open(path)
  try {
    const buffer = Buffer.alloc(SNIFF_BYTES)
    const { bytesRead } = await handle.read(buffer, 0, SNIFF_BYTES, 0)
    return buffer.subarray(0, bytesRead)
  } finally {
    await handle.close()
  }
}

/** Plain text, read as it streams: valid UTF-8 throughout and no NUL byte (never the whole file in memory). */
async function isText(path: string): Promise<boolean> {
  const decoder = new TextDecoder('utf-8', { fatal: true })
  try {
    for await (const chunk of createReadStream(path) as AsyncIterable<Buffer>) {
      if (chunk.includes(0)) return false
      decoder.decode(chunk, { stream: true })
    }
    decoder.decode()
    return true
  } catch {
    return false
  }
}

export interface MediaDeps {
  db: Db
  /** Kept for callers that still pass it; the store decides where bytes live. */
  uploadDir?: string
  store: MediaStore
  maxUploadBytes: number
  clock?: Clock
  logger?: Logger
  /** Unreferenced objects, rows and unfinished uploads younger than this are left alone by the sweep. */
  sweepGraceMs?: number
}

export function createMediaService(deps: MediaDeps) {
  const clock = deps.clock ?? systemClock
  const tus = () => deps.store.tusDataStore()

  /** A finished upload's size and first bytes, or null when there is no finished upload of that id. */
  async function uploadHead(ref: UploadRef, ownerId?: string | null): Promise<{ size: number; head: Buffer } | null> {
    const info = await tus().getUpload(ref.uploadId).catch(() => null)
    if (!info || info.size === undefined || info.offset !== info.size) return null
    if (ownerId && info.metadata?.owner !== ownerId) return null
    const chunks: Buffer[] = []
    let length = 0
    const stream = await tus().read(ref.uploadId)
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      chunks.push(chunk)
      length += chunk.length
      if (length >= SNIFF_BYTES) break
    }
    ;(stream as Readable).destroy()
    return { size: info.size, head: Buffer.concat(chunks).subarray(0, SNIFF_BYTES) }
  }

  async function sniff(kind: MediaKind, body: MediaBody): Promise<string | MediaError> {
    if (isFormFile(body)) {
      if (body.size > deps.maxUploadBytes) return 'file_too_large'
      const head = await headOf(body.path)
      if (kind !== 'text') return sniffBytes(kind, head)
      // Text has no magic number: nothing file-type knows, and valid UTF-8 all through.
      if ((await fileTypeFromBuffer(head)) || !(await isText(body.path))) return 'file_type'
      return 'text/plain; charset=utf-8'
    }
    if (!Buffer.isBuffer(body)) {
      // Text is checked whole (valid UTF-8 throughout), so it only comes in a plain form.
      if (kind === 'text') return 'file_type'
      const found = await uploadHead(body)
      if (!found) return 'upload_missing'
      if (found.size > deps.maxUploadBytes) return 'file_too_large'
      return sniffBytes(kind, found.head)
    }
    if (body.length > deps.maxUploadBytes) return 'file_too_large'
    return sniffBytes(kind, body)
  }

  async function sniffBytes(kind: MediaKind, bytes: Buffer): Promise<string | MediaError> {
    const detected = await fileTypeFromBuffer(bytes)
    if (kind === 'text') {
      // Plain text has no magic number: accept valid UTF-8 without NUL bytes that sniffs as nothing.
      if (detected || bytes.includes(0)) return 'file_type'
      try {
        new TextDecoder('utf-8', { fatal: true }).decode(bytes)
      } catch {
        return 'file_type'
      }
      return 'text/plain; charset=utf-8'
    }
    if (!detected || !ALLOWED[kind].includes(detected.mime)) return 'file_type'
    // A WebM holding only audio is served as audio so <audio> plays it.
    return kind === 'audio' && detected.mime === 'video/webm' ? 'audio/webm' : detected.mime
  }

  const isError = (v: string): v is MediaError => v === 'file_too_large' || v === 'file_type' || v === 'upload_missing'
  const sweep = createMediaSweep({ db: deps.db, store: deps.store, clock, graceMs: deps.sweepGraceMs ?? 24 * 3600 * 1000, logger: deps.logger })

  return {
    sniff,

    /**
     * Checks the content, then intent → store → record: a `pending` row names the object before it is
     * written, the bytes stream to the store, and only then is the row marked `stored` (and servable).
     * A crash in between leaves a pending row the sweep removes with its object; a refused file leaves nothing.
     * A resumable upload must be finished and the sender's own; it is moved into place and its upload removed.
     */
    async store(input: {
      owner: User
      purpose: MediaPurpose
      jobId?: string | null
      kind: MediaKind
      bytes: MediaBody
    }): Promise<Media | MediaError> {
      const body = input.bytes
      let size: number
      if (Buffer.isBuffer(body)) size = body.length
      else if (isFormFile(body)) size = body.size
      else {
        const found = await uploadHead(body, input.owner.id)
        if (!found) return 'upload_missing'
        size = found.size
      }
      const mime = await sniff(input.kind, body)
      if (isError(mime)) return mime
      const id = randomUUID()
      const storageKey = mediaKey(id)
      await deps.db.insert(media).values({
        id,
        ownerId: input.owner.id,
        purpose: input.purpose,
        jobId: input.jobId ?? null,
        kind: input.kind,
        mime,
        sizeBytes: size,
        storageKey,
        state: 'pending',
        createdAt: clock.now()
      })
      try {
        await deps.store.put(storageKey, Buffer.isBuffer(body) ? body : isFormFile(body) ? createReadStream(body.path) : await tus().read(body.uploadId))
      } catch (error) {
        await deps.db.delete(media).where(eq(media.id, id))
        await deps.store.delete(storageKey).catch(() => undefined)
        throw error
      }
      const [row] = await deps.db.update(media).set({ state: 'stored' }).where(eq(media.id, id)).returning()
      // The upload has become this medium; if removing it fails the sweep takes it later.
      if (!Buffer.isBuffer(body) && !isFormFile(body)) await tus().remove(body.uploadId).catch(() => undefined)
      return row!
    },

    /** Stores a file that may be audio, video or image, whichever its content is. */
    async storeAny(input: { owner: User; purpose: MediaPurpose; jobId?: string | null; bytes: MediaBody }): Promise<Media | MediaError> {
      let last: MediaError = 'file_type'
      for (const kind of ['audio', 'image', 'video'] as const) {
        const stored = await this.store({ ...input, kind })
        if (typeof stored !== 'string') return stored
        last = stored
        if (stored !== 'file_type') return stored
      }
      return last
    },

    /** Deletes files just stored for a form that then failed, so nothing is left behind. */
    async remove(ids: readonly (string | undefined)[]): Promise<void> {
      const wanted = ids.filter((id): id is string => !!id)
      if (wanted.length === 0) return
      // Row first, then object: a crash in between leaves an object no row names, which the sweep deletes.
      const rows = await deps.db.delete(media).where(inArray(media.id, wanted)).returning()
      for (const row of rows) await deps.store.delete(row.storageKey)
    },

    async get(id: string): Promise<Media | null> {
      if (!isUuid(id)) return null
      const [row] = await deps.db
        .select()
        .from(media)
        .where(and(eq(media.id, id), eq(media.state, 'stored')))
      return row ?? null
    },

    /**
     * Who may read a file: its owner and admins always; the job owner for application and submission
     * files of their job; anyone who can see the job for its reference files; a job owner for the
     * profile files of people who applied to their jobs.
     */
    async canRead(viewer: User | null, file: Media): Promise<boolean> {
      if (!viewer) return file.purpose === 'job_reference' && (await referenceIsPublic(file))
      if (viewer.isAdmin || viewer.id === file.ownerId) return true
      if (file.purpose === 'job_reference') return (await referenceIsPublic(file)) || (await ownsReferencingJob(viewer.id, file))
      if (file.purpose === 'application' || file.purpose === 'submission') return ownsJob(viewer.id, file.jobId)
      if (file.purpose === 'review') {
        // The creator whose submission it explains (submissions sit above media: read in SQL).
        const rows = await queryRows(deps.db, sql`select 1 from web.submissions where review_audio_id = ${file.id} and creator_id = ${viewer.id} limit 1`)
        return rows.length > 0
      }
      if (file.purpose === 'profile') {
        const rows = await queryRows(
          deps.db,
          sql`select 1 from web.applications a join web.jobs j on j.id = a.job_id
              where a.applicant_id = ${file.ownerId} and j.owner_id = ${viewer.id} limit 1`
        )
        return rows.length > 0
      }
      return false
    },

    /** The whole file in memory: only for small files (audio clips); pages stream with open(). */
    async read(file: Media): Promise<Buffer> {
      const stream = await deps.store.get(file.storageKey)
      if (!stream) throw new Error(`media ${file.id}: object ${file.storageKey} is missing from the store`)
      const chunks: Buffer[] = []
      for await (const chunk of stream as AsyncIterable<Buffer>) chunks.push(chunk)
      return Buffer.concat(chunks)
    },

    /** The file's bytes as a stream, or a part of them; null when the object is missing from the store. */
    open(file: Media, range?: ByteRange): Promise<Readable | null> {
      return deps.store.get(file.storageKey, range)
    },

    /** The resumable-upload store (the same storage as the media), for the tus endpoint. */
    uploads: tus,
    /** Checks a finished upload as a form would (type by content, size) before anyone may use it; `null` owner: any. */
    async checkUpload(ref: UploadRef, ownerId: string | null, kind: MediaKind): Promise<string | MediaError> {
      const found = await uploadHead(ref, ownerId)
      if (!found) return 'upload_missing'
      if (found.size > deps.maxUploadBytes) return 'file_too_large'
      return sniffBytes(kind, found.head)
    },

    /** Deletes what no row needs any more, after the grace period (see sweep.ts); run by the scheduler. */
    sweep: sweep.run,
    sweepIfDue: sweep.runIfDue
  }

  async function ownsJob(userId: string, jobId: string | null): Promise<boolean> {
    if (!jobId) return false
    const rows = await queryRows(deps.db, sql`select 1 from web.jobs where id = ${jobId} and owner_id = ${userId}`)
    return rows.length > 0
  }

  // A reference file belongs to the jobs that show it (jobs.reference_media_id; a duplicate shares it).
  async function referenceIsPublic(file: Media): Promise<boolean> {
    const rows = await queryRows(
      deps.db,
      sql`select 1 from web.jobs where (reference_media_id = ${file.id} or id = ${file.jobId}) and state <> 'draft' limit 1`
    )
    return rows.length > 0
  }

  async function ownsReferencingJob(userId: string, file: Media): Promise<boolean> {
    const rows = await queryRows(
      deps.db,
      sql`select 1 from web.jobs where (reference_media_id = ${file.id} or id = ${file.jobId}) and owner_id = ${userId} limit 1`
    )
    return rows.length > 0
  }
}

export type MediaService = ReturnType<typeof createMediaService>
