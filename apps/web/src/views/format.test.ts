import { describe, expect, it } from 'vitest'
import { date } from './format.ts'

describe('date', () => {
  it('shows the day of the reader’s calendar in each language (America/Mexico_City unless chosen)', () => {
    expect(date(new Date('2026-11-27T18:00:00Z'), { lang: 'es' })).toBe('27 de noviembre de 2026')
    // 02:00 UTC is still the evening before in Mexico City, and already that day in UTC.
    expect(date(new Date('2026-11-28T02:00:00Z'), { lang: 'es' })).toBe('27 de noviembre de 2026')
    expect(date(new Date('2026-11-28T02:00:00Z'), { lang: 'en', timeZone: 'UTC' })).toBe('November 28, 2026')
    expect(date(null, { lang: 'en' })).toBe('—')
  })
})
