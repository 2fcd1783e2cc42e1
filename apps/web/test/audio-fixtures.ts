/** A mono 16-bit PCM WAV of a sine tone, made in code so tests need no binary fixtures. */
export function makeWav(seconds: number, options: { sampleRate?: number; frequency?: number } = {}): Buffer {
  const rate = options.sampleRate ?? 8000
  const freq = options.frequency ?? 440
  const samples = Math.round(seconds * rate)
  const data = Buffer.alloc(samples * 2)
  for (let i = 0; i < samples; i++) data.writeInt16LE(Math.round(Math.sin((2 * Math.PI * freq * i) / rate) * 12000), i * 2)
  const header = Buffer.alloc(44)
  header.write('RIFF', 0, 'ascii')
  header.writeUInt32LE(36 + data.length, 4)
  header.write('WAVE', 8, 'ascii')
  header.write('fmt ', 12, 'ascii')
  header.writeUInt32LE(16, 16)
  header.writeUInt16LE(1, 20) // PCM
  header.writeUInt16LE(1, 22) // mono
  header.writeUInt32LE(rate, 24)
  header.writeUInt32LE(rate * 2, 28)
  header.writeUInt16LE(2, 32)
  header.writeUInt16LE(16, 34)
  header.write('data', 36, 'ascii')
  header.writeUInt32LE(data.length, 40)
  return Buffer.concat([header, data])
}

/**
 * A WebM laid out like MediaRecorder's (segment and clusters of unknown size, no duration written):
 * one audio block every 20 ms, a cluster every 5 s. Enough for content sniffing and duration reading.
 */
export function makeWebm(seconds: number): Buffer {
  const el = (id: number[], data: Buffer) => Buffer.concat([Buffer.from(id), sizeOf(data.length), data])
  const sizeOf = (n: number) => {
    const size = Buffer.alloc(8)
    size[0] = 0x01 // an 8-byte EBML size
    size.writeUIntBE(n, 2, 6)
    return size
  }
  const unknown = Buffer.from([0x01, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff])
  const header = el([0x1a, 0x45, 0xdf, 0xa3], Buffer.concat([el([0x42, 0x82], Buffer.from('webm')), el([0x42, 0x87], Buffer.from([4])), el([0x42, 0x85], Buffer.from([2]))]))
  const track = el([0x16, 0x54, 0xae, 0x6b], el([0xae], Buffer.concat([el([0xd7], Buffer.from([1])), el([0x83], Buffer.from([2])), el([0x86], Buffer.from('A_OPUS'))])))
  const clusters: Buffer[] = []
  const total = Math.round(seconds * 1000)
  for (let start = 0; start < total; start += 5000) {
    const timecode = Buffer.alloc(4)
    timecode.writeUInt32BE(start)
    const blocks: Buffer[] = [el([0xe7], timecode)]
    for (let t = 0; t < 5000 && start + t < total; t += 20) {
      const head = Buffer.from([0x81, 0, 0, 0x80])
      head.writeInt16BE(t, 1)
      blocks.push(el([0xa3], Buffer.concat([head, Buffer.alloc(12, 0x5a)])))
    }
    clusters.push(Buffer.concat([Buffer.from([0x1f, 0x43, 0xb6, 0x75]), unknown, ...blocks]))
  }
  return Buffer.concat([header, Buffer.from([0x18, 0x53, 0x80, 0x67]), unknown, track, ...clusters])
}
