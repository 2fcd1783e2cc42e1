import type { MediaStore } from './store/index.ts'

export interface MigrateResult {
  copied: number
  skipped: number
  bytes: number
}

/**
 * Copies every medium from one store into another under the same key (so no database row changes).
 * Idempotent and resumable: an object already in the target with the same size is skipped, and a copy
 * cut off half-way is never visible there (put writes whole objects), so running it again finishes the job.
 */
export async function migrateMedia(
  from: MediaStore,
  to: MediaStore,
  onProgress: (done: number, total: number, result: MigrateResult) => void = () => {}
): Promise<MigrateResult> {
  const objects = []
  for await (const object of from.list()) objects.push(object)
  const result: MigrateResult = { copied: 0, skipped: 0, bytes: 0 }
  onProgress(0, objects.length, result)
  for (const [i, object] of objects.entries()) {
    const there = await to.head(object.key)
    if (there && there.size === object.size) result.skipped++
    else {
      const body = await from.get(object.key)
      if (body) {
        await to.put(object.key, body)
        result.copied++
        result.bytes += object.size
      }
    }
    onProgress(i + 1, objects.length, result)
  }
  return result
}

/** `[#########-----------]  45/100  12.3 MB copied` — one line, redrawn in place. */
export function progressLine(done: number, total: number, result: MigrateResult): string {
  const width = 30
  const filled = total === 0 ? width : Math.round((done / total) * width)
  return `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${done}/${total}  ${(result.bytes / 1e6).toFixed(1)} MB copied, ${result.skipped} already there`
}
