import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

/**
 * TEST HARNESS ONLY: the multipart-upload operations that s3rver lacks, supplied in front of it.
 *
 * @tus/s3-store (resumable uploads into the bucket) asks S3 for ListParts on every resume, AbortMultipartUpload
 * when an upload is removed and ListMultipartUploads when the sweep looks for expired uploads. s3rver 3.7
 * implements CreateMultipartUpload, UploadPart and CompleteMultipartUpload but answers none of those three.
 * No S3-compatible server that has them can be installed here (neither npm nor Debian bookworm ships one that
 * starts without a cluster: checked 2026-11-27), so this proxy sits between the AWS SDK and s3rver:
 * - every request is forwarded to s3rver byte for byte (Host and the SigV4 signature untouched, so s3rver
 *   still checks the signature of everything it answers);
 * - it records the uploads s3rver starts (the UploadId in its answer) and the parts s3rver accepts (ETag
 *   from its answer, size counted from the bytes forwarded), forgets an upload once s3rver completes it;
 * - it answers ListParts, AbortMultipartUpload and ListMultipartUploads itself from that record, in the S3
 *   API's XML, as AWS does: an unknown, completed or aborted upload is `404 NoSuchUpload`. These three are
 *   not signature-checked. The parts of an aborted upload stay in s3rver's temporary directory.
 */
interface Part {
  number: number
  etag: string
  size: number
  at: Date
}

export async function startMultipartProxy(upstreamPort: number): Promise<{ port: number; close(): Promise<void> }> {
  const uploads = new Map<string, { bucket: string; key: string; initiated: Date; parts: Map<number, Part> }>()

  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://s3')
    const [bucket = '', ...rest] = url.pathname.slice(1).split('/').map(decodeURIComponent)
    const key = rest.join('/')
    const q = url.searchParams
    const uploadId = q.get('uploadId')
    const upload = uploadId === null ? undefined : uploads.get(uploadId)
    const known = upload && upload.bucket === bucket && upload.key === key

    if (key && uploadId !== null && (req.method === 'GET' || req.method === 'DELETE')) {
      req.resume()
      if (!known) return answer(res, 404, error('NoSuchUpload', 'The specified upload does not exist.', uploadId))
      if (req.method === 'DELETE') {
        uploads.delete(uploadId)
        return answer(res, 204, '')
      }
      return answer(res, 200, listParts(bucket, key, uploadId, [...upload.parts.values()], q))
    }
    if (!key && q.has('uploads') && req.method === 'GET') {
      req.resume()
      return answer(res, 200, listUploads(bucket, [...uploads].filter(([, u]) => u.bucket === bucket)))
    }

    let size = 0
    if (req.method === 'PUT' && uploadId !== null) req.on('data', (chunk: Buffer) => (size += chunk.length))
    forward(req, res, upstreamPort, (status, headers, body) => {
      if (status !== 200) return
      if (req.method === 'POST' && q.has('uploads')) {
        const id = /<UploadId>([^<]+)<\/UploadId>/.exec(body)?.[1]
        if (id) uploads.set(id, { bucket, key, initiated: new Date(), parts: new Map() })
      } else if (req.method === 'PUT' && known && q.has('partNumber') && !req.headers['x-amz-copy-source']) {
        const number = Number(q.get('partNumber'))
        upload.parts.set(number, { number, etag: String(headers.etag ?? ''), size, at: new Date() })
      } else if (req.method === 'POST' && uploadId !== null) {
        uploads.delete(uploadId)
      }
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    port: (server.address() as AddressInfo).port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve()))
  }
}

type Seen = (status: number, headers: IncomingMessage['headers'], body: string) => void

/** Sends the request on to s3rver unchanged and its answer back unchanged; `seen` gets the answer's start (the body only of small XML answers). */
function forward(req: IncomingMessage, res: ServerResponse, port: number, seen: Seen) {
  const upstream = httpRequest({ host: '127.0.0.1', port, method: req.method, path: req.url, headers: req.headers }, (answerIn) => {
    res.writeHead(answerIn.statusCode ?? 502, answerIn.headers)
    const xml = String(answerIn.headers['content-type'] ?? '').includes('xml')
    const chunks: Buffer[] = []
    answerIn.on('data', (chunk: Buffer) => {
      if (xml) chunks.push(chunk)
      res.write(chunk)
    })
    answerIn.on('end', () => {
      seen(answerIn.statusCode ?? 0, answerIn.headers, Buffer.concat(chunks).toString('utf8'))
      res.end()
    })
  })
  upstream.on('error', () => res.destroy())
  req.on('error', () => upstream.destroy())
  req.pipe(upstream)
}

function answer(res: ServerResponse, status: number, xml: string) {
  res.writeHead(status, xml ? { 'content-type': 'application/xml', 'content-length': Buffer.byteLength(xml) } : {})
  res.end(xml)
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')
const XML = '<?xml version="1.0" encoding="UTF-8"?>'
const NS = 'xmlns="http://s3.amazonaws.com/doc/2006-03-01/"'

function error(code: string, message: string, uploadId: string) {
  return `${XML}<Error><Code>${code}</Code><Message>${message}</Message><UploadId>${esc(uploadId)}</UploadId></Error>`
}

/** ListPartsResult, honouring part-number-marker and max-parts as S3 does (pages of at most 1000). */
function listParts(bucket: string, key: string, uploadId: string, all: Part[], q: URLSearchParams) {
  const marker = Number(q.get('part-number-marker') ?? 0)
  const max = Math.min(Number(q.get('max-parts') ?? 1000), 1000)
  const after = all.filter((p) => p.number > marker).sort((a, b) => a.number - b.number)
  const page = after.slice(0, max)
  const truncated = after.length > page.length
  const parts = page
    .map((p) => `<Part><PartNumber>${p.number}</PartNumber><LastModified>${p.at.toISOString()}</LastModified><ETag>${esc(p.etag)}</ETag><Size>${p.size}</Size></Part>`)
    .join('')
  return (
    `${XML}<ListPartsResult ${NS}><Bucket>${esc(bucket)}</Bucket><Key>${esc(key)}</Key><UploadId>${esc(uploadId)}</UploadId>` +
    `<PartNumberMarker>${marker}</PartNumberMarker><NextPartNumberMarker>${page.at(-1)?.number ?? marker}</NextPartNumberMarker>` +
    `<MaxParts>${max}</MaxParts><IsTruncated>${truncated}</IsTruncated>${parts}</ListPartsResult>`
  )
}

/** ListMultipartUploadsResult: every upload in progress in one page (a test bucket holds few). */
function listUploads(bucket: string, open: Array<[string, { key: string; initiated: Date }]>) {
  const items = open
    .sort(([a, x], [b, y]) => x.key.localeCompare(y.key) || a.localeCompare(b))
    .map(([id, u]) => `<Upload><Key>${esc(u.key)}</Key><UploadId>${esc(id)}</UploadId><Initiated>${u.initiated.toISOString()}</Initiated><StorageClass>STANDARD</StorageClass></Upload>`)
    .join('')
  return `${XML}<ListMultipartUploadsResult ${NS}><Bucket>${esc(bucket)}</Bucket><MaxUploads>1000</MaxUploads><IsTruncated>false</IsTruncated>${items}</ListMultipartUploadsResult>`
}
