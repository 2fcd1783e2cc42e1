import { sql } from 'drizzle-orm'
import { queryRows, type Clock, type Db, type Logger } from '@voces/platform'
import type { MediaStore } from './store/index.ts'

/**
 * Every column that points at a medium. A row none of them names (a file stored for a form that then
 * failed, a draft's replaced file, a crash between storing and recording) is an orphan. A new column
 * that refers to media must be added here, or the sweep deletes its files after the grace period.
 */
const REFERENCES = sql`
  select text_file_id as id from web.submissions union all select audio_id from web.submissions
  union all select video_id from web.submissions union all select image_id from web.submissions
  union all select audio_id from web.applications union all select video_id from web.applications
  union all select image_id from web.applications
  union all select profile_audio_id from web.users union all select profile_video_id from web.users
  union all select profile_image_id from web.users
  union all select reference_media_id from web.jobs
  union all select media_id from web.audio_clips
  union all select review_audio_id from web.submissions`

const BATCH = 500

export interface SweepResult {
  rows: number
  objects: number
  uploads: number
}

/**
 * Deletes, once they are older than the grace period: media rows still `pending` (their bytes never got
 * recorded) and `stored` rows nothing refers to, with their objects; objects in the store no row names;
 * resumable uploads, finished (never named by a form) or not. Several processes may sweep at once: every step is idempotent.
 */
export function createMediaSweep(deps: { db: Db; store: MediaStore; clock: Clock; graceMs: number; logger?: Logger | undefined }) {
  let lastRun: number | undefined

  async function run(): Promise<SweepResult> {
    const cutoff = new Date(deps.clock.now().getTime() - deps.graceMs)
    // Row first, then object: a crash in between leaves an object without a row, found by the next step.
    const gone = await queryRows<{ storage_key: string }>(
      deps.db,
      sql`with referenced as (${REFERENCES})
          delete from web.media m
          where m.created_at < ${cutoff.toISOString()}::timestamptz
            and (m.state = 'pending' or m.id not in (select id from referenced where id is not null))
          returning m.storage_key`
    )
    for (const row of gone) await deps.store.delete(row.storage_key)

    let objects = 0
    let batch: string[] = []
    const flush = async () => {
      if (batch.length === 0) return
      const keys = batch
      batch = []
      const known = await queryRows<{ storage_key: string }>(
        deps.db,
        sql`select storage_key from web.media where storage_key in (${sql.join(
          keys.map((k) => sql`${k}`),
          sql`, `
        )})`
      )
      const named = new Set(known.map((r) => r.storage_key))
      for (const key of keys) {
        if (named.has(key)) continue
        await deps.store.delete(key)
        objects++
      }
    }
    for await (const object of deps.store.list()) {
      // A younger object may belong to a row being written right now.
      if (object.lastModified >= cutoff) continue
      batch.push(object.key)
      if (batch.length >= BATCH) await flush()
    }
    await flush()

    let uploads = 0
    try {
      uploads = await deps.store.tusDataStore().deleteExpired()
    } catch (error) {
      deps.logger?.warn({ err: error }, 'media sweep: expired uploads could not be listed')
    }
    // deleteExpired takes only unfinished uploads: a finished one that no form ever named would stay for ever.
    for await (const upload of deps.store.uploads()) {
      if (upload.lastModified >= cutoff) continue
      await deps.store
        .tusDataStore()
        .remove(upload.id)
        .then(() => uploads++)
        .catch((error: unknown) => deps.logger?.warn({ err: error, upload: upload.id }, 'media sweep: an old upload could not be removed'))
    }
    const result = { rows: gone.length, objects, uploads }
    if (result.rows + result.objects + result.uploads > 0) deps.logger?.info(result, 'media sweep')
    return result
  }

  return {
    run,
    /** At most once per interval per process (the scheduler ticks far more often). */
    async runIfDue(intervalMs: number): Promise<SweepResult | null> {
      const now = deps.clock.now().getTime()
      if (lastRun !== undefined && now - lastRun < intervalMs) return null
      lastRun = now
      return run()
    }
  }
}
