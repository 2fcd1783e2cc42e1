/**
 * A slow network in front of the server, for bench:page: a TCP proxy that every byte (the page's and its
 * service worker's alike) crosses at a fixed rate each way with a fixed delay, counts the bytes it carries,
 * and can really cut the line: every open connection is destroyed and new ones are refused for a moment.
 * DevTools throttling applies to one page, not to the worker that fetches for it; this applies to both.
 */
import { createServer, connect, type Server, type Socket } from 'node:net'

export interface Link {
  url: string
  /** Bytes delivered towards the browser (down) and towards the server (up) so far. */
  bytes: { down: number; up: number }
  /** The request lines (method and path) that crossed the line towards the server, in order. */
  requests: string[]
  /** Throttle (bits per second each way, round trip in ms), or pass through at full speed with null. */
  shape(conditions: { bitsPerSecond: number; rttMs: number } | null): void
  /** Destroys every open connection and refuses new ones for `ms`. */
  cut(ms: number): void
  /** Whether the line is cut at this moment. */
  isCut(): boolean
  close(): Promise<void>
}

export async function openLink(target: URL): Promise<Link> {
  let conditions: { bitsPerSecond: number; rttMs: number } | null = null
  let downUntil = 0
  const sockets = new Set<Socket>()
  const bytes = { down: 0, up: 0 }
  const requests: string[] = []
  // One shared line each way: a chunk leaves once the line is free, and arrives half a round trip later.
  const free = { down: 0, up: 0 }

  function pipe(from: Socket, to: Socket, way: 'down' | 'up'): void {
    from.on('data', (chunk: Buffer) => {
      const deliver = () => {
        if (to.destroyed) return
        bytes[way] += chunk.length
        if (way === 'up') for (const m of chunk.toString('latin1').matchAll(/^(GET|HEAD|POST|PATCH|DELETE) (\S+) HTTP\/1\.1\r$/gm)) requests.push(`${m[1]} ${m[2]}`)
        to.write(chunk)
      }
      if (!conditions) return deliver()
      const start = Math.max(Date.now(), free[way])
      free[way] = start + (chunk.length * 8 * 1000) / conditions.bitsPerSecond
      setTimeout(deliver, free[way] + conditions.rttMs / 2 - Date.now())
    })
    from.on('end', () => {
      const wait = conditions ? Math.max(0, free[way] + conditions.rttMs / 2 - Date.now()) : 0
      setTimeout(() => to.destroyed || to.end(), wait)
    })
  }

  const server: Server = createServer((client) => {
    if (Date.now() < downUntil) return void client.destroy()
    const upstream = connect(Number(target.port), target.hostname)
    for (const s of [client, upstream]) {
      sockets.add(s)
      s.on('error', () => undefined)
      s.on('close', () => {
        sockets.delete(s)
        client.destroy()
        upstream.destroy()
      })
    }
    pipe(client, upstream, 'up')
    pipe(upstream, client, 'down')
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  if (!address || typeof address === 'string') throw new Error('proxy has no port')
  return {
    url: `http://127.0.0.1:${address.port}`,
    bytes,
    requests,
    shape(next) {
      conditions = next
    },
    cut(ms) {
      downUntil = Date.now() + ms
      // What was on the line is lost with its connections.
      free.down = free.up = 0
      for (const s of sockets) s.destroy()
    },
    isCut: () => Date.now() < downUntil,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy()
        server.close(() => resolve())
      })
  }
}
