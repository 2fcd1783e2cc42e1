/**
 * Copies a local upload directory into the configured object store:
 *   WEB_MEDIA_STORE=s3 WEB_S3_BUCKET=… [WEB_S3_ENDPOINT=… …] npm run media:migrate [-- <upload dir>]
 * The directory defaults to WEB_UPLOAD_DIR (or DATA_DIR/web-uploads). Safe to run again: what is
 * already there is skipped, so an interrupted run resumes. Progress goes to stderr.
 */
import { loadWebConfig } from '../src/config.ts'
import { createLocalStore, createMediaStore } from '../src/media/store/index.ts'
import { migrateMedia, progressLine } from '../src/media/migrate.ts'
import { resolve } from 'node:path'

try {
  const config = loadWebConfig()
  if (config.media.store !== 's3') throw new Error('set WEB_MEDIA_STORE=s3 (and WEB_S3_BUCKET, …) to name the object store to copy into')
  const dir = resolve(process.argv[2] ?? config.uploadDir)
  const from = createLocalStore(dir)
  const to = createMediaStore(config)
  const result = await migrateMedia(from, to, (done, total, r) => process.stderr.write(`\r${progressLine(done, total, r)}`))
  process.stderr.write('\n')
  console.log(`media:migrate: ${result.copied} copied, ${result.skipped} already in ${config.media.s3?.bucket}, from ${dir}`)
  await to.close()
} catch (error) {
  console.error(`media:migrate: ${error instanceof Error ? error.message : String(error)}`)
  process.exitCode = 1
}
