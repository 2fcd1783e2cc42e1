import { createReadStream, createWriteStream } from 'node:fs'
import { mkdir, readdir, rename, rm, stat } from 'node:fs/promises'
import { randomUUID } from 'node:crypto'
import { dirname, join } from 'node:path'
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { FileStore } from '@tus/file-store'
import { DAY_MS, MEDIA_KEY, type StoreOptions, type ByteRange, type MediaStore, type StoredObject } from './types.ts'

/** Media in a local directory (WEB_UPLOAD_DIR): the default, one machine, no extra server. */
export function createLocalStore(dir: string, options: StoreOptions = {}): MediaStore {
  const pathOf = (key: string) => {
    if (!MEDIA_KEY.test(key)) throw new Error(`not a media key: ${key}`)
    return join(dir, key)
  }
  let tus: FileStore | undefined

  return {
    kind: 'local',

    async put(key, body) {
      const path = pathOf(key)
      await mkdir(dirname(path), { recursive: true })
      // Written beside and renamed into place: a crash mid-write leaves a temporary file, never half a medium.
      const partial = `${path}.${randomUUID()}.partial`
      try {
        await pipeline(Buffer.isBuffer(body) ? Readable.from([body]) : body, createWriteStream(partial, { mode: 0o600 }))
        await rename(partial, path)
      } catch (error) {
        await rm(partial, { force: true })
        throw error
      }
    },

    async get(key, range?: ByteRange) {
      const path = pathOf(key)
      try {
        await stat(path)
      } catch {
        return null
      }
      return createReadStream(path, range ? { start: range.start, end: range.end } : {})
    },

    async head(key) {
      try {
        const s = await stat(pathOf(key))
        return { key, size: s.size, lastModified: s.mtime }
      } catch {
        return null
      }
    },

    async delete(key) {
      await rm(pathOf(key), { force: true })
    },

    async *list(): AsyncIterable<StoredObject> {
      let prefixes: string[]
      try {
        prefixes = (await readdir(dir)).filter((name) => /^[0-9a-f]{2}$/.test(name)).sort()
      } catch {
        return
      }
      for (const prefix of prefixes) {
        for (const name of (await readdir(join(dir, prefix))).sort()) {
          const key = `${prefix}/${name}`
          if (!MEDIA_KEY.test(key)) continue
          const found = await this.head(key)
          if (found) yield found
        }
      }
    },

    async *uploads() {
      // @tus/file-store keeps `<id>` (the bytes) and `<id>.json` (its record) in the tus folder.
      const folder = join(dir, 'tus')
      const names = await readdir(folder).catch(() => [] as string[])
      for (const name of names.filter((n) => n.endsWith('.json')).sort()) {
        const found = await stat(join(folder, name)).catch(() => null)
        if (found) yield { id: name.slice(0, -'.json'.length), lastModified: found.mtime }
      }
    },

    tusDataStore() {
      // The unfinished uploads sit in their own folder, never among the media keys.
      tus ??= new FileStore({ directory: join(dir, 'tus'), expirationPeriodInMilliseconds: options.uploadExpiryMs ?? DAY_MS })
      return tus
    },

    async close() {}
  }
}
