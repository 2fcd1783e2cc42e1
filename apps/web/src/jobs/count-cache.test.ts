import { describe, expect, it } from 'vitest'
import { createTestClock } from '@voces/platform'
import { createCountCache } from './count-cache.ts'

describe('count cache', () => {
  it('counts once per filter within the TTL, again after it or after a clear, and stays bounded', async () => {
    const clock = createTestClock()
    const cache = createCountCache({ ttlMs: 5_000, maxEntries: 2, now: clock.now })
    let calls = 0
    const count = (n: number) => async () => {
      calls++
      return n
    }
    expect(await cache.get('a', count(1))).toBe(1)
    expect(await cache.get('a', count(2))).toBe(1)
    expect(calls).toBe(1)
    clock.advance(5_001)
    expect(await cache.get('a', count(3))).toBe(3)
    cache.clear()
    expect(await cache.get('a', count(4))).toBe(4)
    // A third filter evicts the oldest (a); b is still held.
    await cache.get('b', count(5))
    await cache.get('c', count(6))
    expect(await cache.get('b', count(7))).toBe(5)
    expect(await cache.get('a', count(8))).toBe(8)
    expect(calls).toBe(6)
  })
})
