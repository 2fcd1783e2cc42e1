import type { ByteRange } from './store/index.ts'

/**
 * The one byte range of a `Range: bytes=…` header (phones seek in recordings with these), `undefined`
 * for the whole file (no header, or several ranges, which we answer whole as RFC 9110 allows), or
 * 'unsatisfiable' (416).
 */
export function parseRange(header: string | undefined, size: number): ByteRange | undefined | 'unsatisfiable' {
  if (!header) return undefined
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim())
  if (!m) return undefined
  const [, from, to] = m
  if (from === '' && to === '') return undefined
  if (from === '') {
    // The last N bytes.
    const n = Number(to)
    if (n === 0 || size === 0) return 'unsatisfiable'
    return { start: Math.max(0, size - n), end: size - 1 }
  }
  const start = Number(from)
  const end = to === '' ? size - 1 : Math.min(Number(to), size - 1)
  if (start >= size || end < start) return 'unsatisfiable'
  return { start, end }
}
