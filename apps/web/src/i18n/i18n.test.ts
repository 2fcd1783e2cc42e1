import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { locales, translator } from './index.ts'
import { errorStatus, type AppError } from '../errors.ts'

function keys(obj: object, prefix = ''): string[] {
  return Object.entries(obj).flatMap(([k, v]) => (typeof v === 'object' && v ? keys(v, `${prefix}${k}.`) : [`${prefix}${k}`]))
}

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    return statSync(path).isDirectory() ? sources(path) : /\.tsx?$/.test(name) && !name.endsWith('.test.ts') ? [path] : []
  })
}

describe('locales', () => {
  test('Spanish and English have exactly the same keys', () => {
    expect(keys(locales.en).sort()).toEqual(keys(locales.es).sort())
  })

  test("every literal key the views use exists", () => {
    const es = new Set(keys(locales.es).map((k) => k.replace(/_(one|other)$/, '')))
    const used = new Set<string>()
    for (const file of sources(join(import.meta.dirname, '..'))) {
      for (const m of readFileSync(file, 'utf8').matchAll(/\bt\('([a-z_]+\.[a-z_.]+)'/g)) used.add(m[1]!)
    }
    expect([...used].filter((k) => !es.has(k))).toEqual([])
  })

  test.each(Object.keys(errorStatus) as AppError[])('error %s has a message in both languages', (code) => {
    for (const lang of ['es', 'en'] as const) {
      const message = translator(lang)(`errors.${code}`)
      expect(message).not.toBe(`errors.${code}`)
      expect(message.length).toBeGreaterThan(5)
    }
    expect(errorStatus[code]).toBeGreaterThanOrEqual(400)
  })

  test('plurals and interpolation work in both languages', () => {
    expect(translator('es')('browse.count', { count: 1 })).toBe('1 trabajo')
    expect(translator('en')('browse.count', { count: 3 })).toBe('3 jobs')
  })
})
