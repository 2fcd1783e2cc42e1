import type { Readable } from 'node:stream'
import type { DataStore } from '@tus/server'

/** Inclusive byte positions, as in an HTTP Range header. */
export interface ByteRange {
  start: number
  end: number
}

/** A tus data store that can also read a finished upload back (both @tus/file-store and @tus/s3-store can). */
export type UploadStore = DataStore & { read(id: string): Readable | Promise<Readable> }

export interface StoredObject {
  key: string
  size: number
  lastModified: Date
}

/**
 * Where media bytes live: a local directory or an S3-compatible object store, chosen by configuration.
 * Keys are relative paths (`ab/<uuid>`); everything streams, so no file is ever held whole in memory.
 */
export interface MediaStore {
  readonly kind: 'local' | 's3'
  /** Writes the whole object or nothing (a reader never sees half a file). */
  put(key: string, body: Readable | Buffer): Promise<void>
  /** The object's bytes (a part of them with a range), or null when there is no such object. */
  get(key: string, range?: ByteRange): Promise<Readable | null>
  head(key: string): Promise<StoredObject | null>
  /** Deleting an object that is not there is not an error. */
  delete(key: string): Promise<void>
  /** Every media object (keys `xx/<id>`), for the sweep and the migration; not the resumable uploads' own files. */
  list(): AsyncIterable<StoredObject>
  /** The resumable-upload (tus) store on the same storage, so a finished upload never crosses machines. */
  tusDataStore(): UploadStore
  /** Every resumable upload, finished or not, with when its record was last written (for the sweep). */
  uploads(): AsyncIterable<{ id: string; lastModified: Date }>
  close(): Promise<void>
}

/** Media keys are `<first two characters of the id>/<id>`; anything else in the store is not ours to sweep. */
export const MEDIA_KEY = /^[0-9a-f]{2}\/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/

export function mediaKey(id: string): string {
  return `${id.slice(0, 2)}/${id}`
}

export const DAY_MS = 24 * 3600 * 1000

export interface StoreOptions {
  /** An unfinished resumable upload untouched for this long is deleted by the sweep (default a day). */
  uploadExpiryMs?: number
}

export interface S3StoreConfig {
  endpoint: string | undefined
  region: string
  bucket: string
  /** Absent: the AWS SDK's default chain (environment, instance role). */
  credentials: { accessKeyId: string; secretAccessKey: string } | undefined
  forcePathStyle: boolean
}

export interface MediaStoreConfig {
  store: 'local' | 's3'
  s3: S3StoreConfig | undefined
  sweepGraceMs: number
  sweepIntervalMs: number
}
