import { mkdir, readFile, rm, writeFile } from 'node:fs/promises'
import { randomUUID } from 'node:crypto'
import { join } from 'node:path'
import { eq, inArray, sql } from 'drizzle-orm'
import { fileTypeFromBuffer } from 'file-type'
import { queryRows, type Db } from '@voces/platform'
import { media, type Media, type MediaPurpose } from './model.ts'
import type { MediaKind } from '../domain/deliverables.ts'
import { isUuid } from '../domain/ids.ts'
import type { MediaError } from './errors.ts'
import type { User } from '../domain/user.ts'

/** What content (sniffed from the bytes, never the name or the browser's claim) each kind accepts. */
const ALLOWED: Record<Exclude<MediaKind, 'text'>, readonly string[]> = {
  // In-browser recordings are Opus in WebM, which sniffs as video/webm.
  audio: ['audio/mpeg', 'audio/ogg', 'audio/opus', 'audio/wav', 'audio/x-wav', 'audio/mp4', 'audio/x-m4a', 'audio/aac', 'audio/webm', 'video/webm', 'audio/flac', 'audio/x-flac'],
  video: ['video/mp4', 'video/webm', 'video/quicktime', 'video/3gpp', 'video/ogg'],
  image: ['image/jpeg', 'image/png', 'image/webp', 'image/gif']
}

export interface MediaDeps {
  db: Db
  uploadDir: string
  maxUploadBytes: number
}

export function createMediaService(deps: MediaDeps) {
  async function sniff(kind: MediaKind, bytes: Buffer): Promise<string | MediaError> {
    if (bytes.length > deps.maxUploadBytes) return 'file_too_large'
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

  return {
    sniff,

    /** Checks the bytes, writes the file, records it. Nothing is stored when the content is refused. */
    async store(input: {
      owner: User
      purpose: MediaPurpose
      jobId?: string | null
      kind: MediaKind
      bytes: Buffer
    }): Promise<Media | MediaError> {
      const mime = await sniff(input.kind, input.bytes)
      if (mime === 'file_too_large' || mime === 'file_type') return mime
      const id = randomUUID()
      const storageKey = `${id.slice(0, 2)}/${id}`
      await mkdir(join(deps.uploadDir, id.slice(0, 2)), { recursive: true })
      await writeFile(join(deps.uploadDir, storageKey), input.bytes, { mode: 0o600 })
      const [row] = await deps.db
        .insert(media)
        .values({
          id,
          ownerId: input.owner.id,
          purpose: input.purpose,
          jobId: input.jobId ?? null,
          kind: input.kind,
          mime,
          sizeBytes: input.bytes.length,
          storageKey
        })
        .returning()
      return row!
    },

    /** Stores a file that may be audio, video or image, whichever its content is. */
    async storeAny(input: { owner: User; purpose: MediaPurpose; jobId?: string | null; bytes: Buffer }): Promise<Media | MediaError> {
      let last: MediaError = 'file_type'
      for (const kind of ['audio', 'image', 'video'] as const) {
        const stored = await this.store({ ...input, kind })
        if (typeof stored !== 'string') return stored
        last = stored
        if (stored === 'file_too_large') return stored
      }
      return last
    },

    /** Deletes files just stored for a form that then failed, so nothing is left behind. */
    async remove(ids: readonly (string | undefined)[]): Promise<void> {
      const wanted = ids.filter((id): id is string => !!id)
      if (wanted.length === 0) return
      const rows = await deps.db.delete(media).where(inArray(media.id, wanted)).returning()
      for (const row of rows) await rm(join(deps.uploadDir, row.storageKey), { force: true })
    },

    async get(id: string): Promise<Media | null> {
      if (!isUuid(id)) return null
      const [row] = await deps.db.select().from(media).where(eq(media.id, id))
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

    read(file: Media): Promise<Buffer> {
      return readFile(join(deps.uploadDir, file.storageKey))
    }
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
