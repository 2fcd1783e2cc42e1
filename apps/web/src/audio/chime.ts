/**
 * The generic "not recorded yet" sound (two falling tones, 0.5 s, 8 kHz mono WAV, ~8 KB), made once in
 * code. Heard when a phone has no speech synthesis voice and nobody has recorded `common.not_recorded`
 * in the listener's languages yet: a speaker button is never silent.
 */
export function chimeWav(): Buffer {
  const rate = 8000
  const tones = [
    { freq: 660, seconds: 0.22 },
    { freq: 0, seconds: 0.06 },
    { freq: 440, seconds: 0.22 }
  ]
  const samples: number[] = []
  for (const { freq, seconds } of tones) {
    const n = Math.round(seconds * rate)
    for (let i = 0; i < n; i++) {
      const fade = Math.min(1, i / 200, (n - i) / 200)
      samples.push(freq ? Math.round(Math.sin((2 * Math.PI * freq * i) / rate) * 10000 * fade) : 0)
    }
  }
  const data = Buffer.alloc(samples.length * 2)
  samples.forEach((s, i) => data.writeInt16LE(s, i * 2))
  const header = Buffer.alloc(44)
  header.write('RIFF', 0, 'ascii')
  header.writeUInt32LE(36 + data.length, 4)
  header.write('WAVEfmt ', 8, 'ascii')
  header.writeUInt32LE(16, 16)
  header.writeUInt16LE(1, 20)
  header.writeUInt16LE(1, 22)
  header.writeUInt32LE(rate, 24)
  header.writeUInt32LE(rate * 2, 28)
  header.writeUInt16LE(2, 32)
  header.writeUInt16LE(16, 34)
  header.write('data', 36, 'ascii')
  header.writeUInt32LE(data.length, 40)
  return Buffer.concat([header, data])
}
