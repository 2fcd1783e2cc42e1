import { createRequire } from 'node:module'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3'
import type { S3StoreConfig } from '../src/media/store/index.ts'
import { startMultipartProxy } from './s3-multipart-proxy.ts'

interface S3rverInstance {
  run(): Promise<{ address: string; port: number }>
  close(): Promise<void>
}
// s3rver ships no types; it is a test-only S3-compatible server.
const S3rver = createRequire(import.meta.url)('s3rver') as new (options: object) => S3rverInstance

/**
 * A local S3-compatible server (s3rver) on a free port with one empty bucket, spoken to through the real AWS SDK.
 * The SDK talks to it through startMultipartProxy, which supplies the multipart operations s3rver lacks
 * (ListParts, AbortMultipartUpload, ListMultipartUploads: resumable uploads need them) and forwards the rest.
 */
export async function startObjectStore(bucket = 'voces-media'): Promise<{ config: S3StoreConfig; keys(): Promise<string[]>; close(): Promise<void> }> {
  const directory = await mkdtemp(join(tmpdir(), 'voces-s3rver-'))
  const server = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory, configureBuckets: [{ name: bucket }] })
  const { port } = await server.run()
  const proxy = await startMultipartProxy(port)
  const config = {
    endpoint: `http://127.0.0.1:${proxy.port}`,
    region: 'us-east-1',
    bucket,
    // s3rver's fixed development credentials.
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    forcePathStyle: true
  }
  const client = new S3Client(config)
  return {
    config,
    /** Every key in the bucket (one page: a test bucket holds few), media or not. */
    async keys() {
      const page = await client.send(new ListObjectsV2Command({ Bucket: bucket }))
      return (page.Contents ?? []).map((o) => o.Key!)
    },
    async close() {
      client.destroy()
      await proxy.close()
      await server.close()
      await rm(directory, { recursive: true, force: true })
    }
  }
}
