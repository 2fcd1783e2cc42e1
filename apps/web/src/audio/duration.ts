/**
 * How long a recording lasts, read from the container without decoding: WAV from its header, WebM
 * (what MediaRecorder makes; it writes no duration) from the last cluster's timecode plus its last
 * block's offset. null when the format is another or the bytes do not say.
 */
export function audioSeconds(bytes: Buffer): number | null {
  return wavSeconds(bytes) ?? webmSeconds(bytes)
}

export function wavSeconds(bytes: Buffer): number | null {
  if (bytes.length < 44 || bytes.toString('ascii', 0, 4) !== 'RIFF' || bytes.toString('ascii', 8, 12) !== 'WAVE') return null
  let offset = 12
  let byteRate = 0
  while (offset + 8 <= bytes.length) {
    const id = bytes.toString('ascii', offset, offset + 4)
    const size = bytes.readUInt32LE(offset + 4)
    if (id === 'fmt ' && offset + 16 <= bytes.length) byteRate = bytes.readUInt32LE(offset + 16)
    if (id === 'data') return byteRate > 0 ? Math.min(size, bytes.length - offset - 8) / byteRate : null
    offset += 8 + size + (size % 2)
  }
  return null
}

const EBML = 0x1a45dfa3
const CLUSTER = Buffer.from([0x1f, 0x43, 0xb6, 0x75])
const TIMECODE = 0xe7
const SIMPLE_BLOCK = 0xa3
const BLOCK_GROUP = 0xa0
const BLOCK = 0xa1

/** An EBML variable-length integer: its length and value (`keepMarker` for element ids). */
function vint(bytes: Buffer, at: number, keepMarker: boolean): { length: number; value: number; unknown: boolean } | null {
  if (at >= bytes.length) return null
  const first = bytes[at]!
  let length = 1
  while (length <= 8 && !(first & (0x80 >> (length - 1)))) length++
  if (length > 8 || at + length > bytes.length) return null
  let value = keepMarker ? first : first & (0xff >> length)
  let allOnes = value === 0xff >> length
  for (let i = 1; i < length; i++) {
    value = value * 256 + bytes[at + i]!
    if (bytes[at + i] !== 0xff) allOnes = false
  }
  return { length, value, unknown: !keepMarker && allOnes }
}

export function webmSeconds(bytes: Buffer): number | null {
  if (bytes.length < 4 || bytes.readUInt32BE(0) !== EBML) return null
  // Timecodes are in milliseconds with the default TimecodeScale, which MediaRecorder uses.
  let latest = -1
  for (let at = bytes.indexOf(CLUSTER); at !== -1; at = bytes.indexOf(CLUSTER, at + 4)) {
    const size = vint(bytes, at + 4, false)
    if (!size) break
    let p = at + 4 + size.length
    const end = size.unknown ? bytes.length : Math.min(bytes.length, p + size.value)
    let clusterTime = -1
    while (p < end) {
      const id = vint(bytes, p, true)
      if (!id) break
      const len = vint(bytes, p + id.length, false)
      if (!len || len.unknown) break
      const data = p + id.length + len.length
      if (id.value === 0x1f43b675) break // the next cluster
      if (id.value === TIMECODE && len.value <= 8) clusterTime = bytes.readUIntBE(data, Math.max(1, Math.min(6, len.value)))
      if (clusterTime >= 0 && (id.value === SIMPLE_BLOCK || id.value === BLOCK_GROUP)) {
        const block = id.value === BLOCK_GROUP && bytes[data] === BLOCK ? data + 1 + (vint(bytes, data + 1, false)?.length ?? 1) : data
        const track = vint(bytes, block, false)
        if (track && block + track.length + 2 <= bytes.length) latest = Math.max(latest, clusterTime + bytes.readInt16BE(block + track.length))
      } else if (clusterTime >= 0) {
        latest = Math.max(latest, clusterTime)
      }
      p = data + len.value
    }
  }
  return latest >= 0 ? latest / 1000 : null
}
