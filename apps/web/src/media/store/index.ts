import { createLocalStore } from './local.ts'
import { createS3Store } from './s3.ts'
import type { MediaStore, MediaStoreConfig } from './types.ts'

export type { MediaStore, ByteRange, StoredObject, MediaStoreConfig, S3StoreConfig } from './types.ts'
export { mediaKey, MEDIA_KEY } from './types.ts'
export { createLocalStore, createS3Store }

/** The store the configuration names (checked at start-up in config.ts). */
export function createMediaStore(config: { uploadDir: string; media: MediaStoreConfig }): MediaStore {
  if (config.media.store === 's3') {
    if (!config.media.s3) throw new Error('WEB_MEDIA_STORE=s3 needs WEB_S3_BUCKET')
    return createS3Store(config.media.s3, { uploadExpiryMs: config.media.sweepGraceMs })
  }
  return createLocalStore(config.uploadDir, { uploadExpiryMs: config.media.sweepGraceMs })
}
