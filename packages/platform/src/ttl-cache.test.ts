import { expect, test } from 'vitest'
import { createTtlCache } from './ttl-cache.ts'

test('values are held until their time is over, the oldest set goes first when full, and a held null is a hit', async () => {
  let at = 0
  const cache = createTtlCache<string | null>({ ttlMs: (v) => (v === null ? 10 : 100), maxEntries: 2, now: () => at })
  let computed = 0
  const compute = (value: string | null) => async () => {
    computed++
    return value
  }
  expect(await cache.get('a', compute('A'))).toBe('A')
  expect(await cache.get('a', compute('other'))).toBe('A')
  expect(await cache.get('gone', compute(null))).toBeNull()
  expect(await cache.get('gone', compute('other'))).toBeNull()
  expect(computed).toBe(2)
  at = 11 // past the null's 10 ms, within A's 100
  expect(await cache.get('gone', compute('back'))).toBe('back')
  expect(cache.peek('a')).toBe('A')
  expect(await cache.get('a', compute('fresh'), { fresh: true })).toBe('fresh')

  // Full at two: 'gone' was set before 'a' (set again just now), so a third key evicts 'gone'.
  cache.set('c', 'C')
  expect(cache.peek('gone')).toBeUndefined()
  expect([cache.peek('a'), cache.peek('c')]).toEqual(['fresh', 'C'])
  at = 200
  expect(cache.peek('c')).toBeUndefined()
  cache.set('d', 'D')
  cache.clear()
  expect(cache.peek('d')).toBeUndefined()
})
