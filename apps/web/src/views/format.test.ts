import { describe, expect, it } from 'vitest'
import { date } from './format.ts'

describe('date', () => {
  it('shows the UTC day in each language, the same text all day long', () => {
    expect(date(new Date('2026-11-27T00:00:00Z'), 'es')).toBe('27 de noviembre de 2026')
    expect(date(new Date('2026-11-27T23:59:59Z'), 'es')).toBe('27 de noviembre de 2026')
    expect(date(new Date('2026-11-27T12:00:00Z'), 'en')).toBe('November 27, 2026')
    expect(date(new Date('2026-11-28T00:00:00Z'), 'es')).toBe('28 de noviembre de 2026')
    expect(date(null, 'en')).toBe('—')
  })
})
