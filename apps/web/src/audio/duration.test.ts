import { describe, expect, test } from 'vitest'
import { fileTypeFromBuffer } from 'file-type'
import { audioSeconds } from './duration.ts'
import { makeWav, makeWebm } from '../../test/audio-fixtures.ts'

describe('recording length from the container', () => {
  test('WAV from its header', () => {
    expect(audioSeconds(makeWav(1.5))).toBe(1.5)
    expect(audioSeconds(makeWav(31, { sampleRate: 4000 }))).toBe(31)
  })

  test('WebM as MediaRecorder writes it (no duration): last cluster + last block', async () => {
    expect((await fileTypeFromBuffer(makeWebm(3)))?.mime).toBe('video/webm')
    expect(audioSeconds(makeWebm(3))).toBeCloseTo(2.98, 2)
    expect(audioSeconds(makeWebm(42))).toBeCloseTo(41.98, 2)
  })

  test('anything else: unknown', () => {
    expect(audioSeconds(Buffer.from('hello world, this is not audio at all'))).toBeNull()
  })
})
