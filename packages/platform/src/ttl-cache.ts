/**
 * Values remembered for a while per key, bounded: the oldest entry goes when it is full, so a flood of
 * distinct keys cannot grow it without limit. `ttlMs` may depend on the value (a failure remembered less
 * long than an answer). `fresh` computes again (and remembers the new value) whatever is held.
 */
export function createTtlCache<T>(deps: { ttlMs: number | ((value: T) => number); maxEntries: number; now: () => number }) {
  const entries = new Map<string, { value: T; until: number }>()
  const ttl = (value: T) => (typeof deps.ttlMs === 'number' ? deps.ttlMs : deps.ttlMs(value))
  return {
    async get(key: string, compute: () => Promise<T>, options: { fresh?: boolean } = {}): Promise<T> {
      const hit = entries.get(key)
      if (hit && hit.until > deps.now() && !options.fresh) return hit.value
      const value = await compute()
      // Oldest first in a Map: dropping the first key evicts the longest-held entry.
      if (!hit && entries.size >= deps.maxEntries) entries.delete(entries.keys().next().value!)
      entries.set(key, { value, until: deps.now() + ttl(value) })
      return value
    },
    clear(): void {
      entries.clear()
    }
  }
}

export type TtlCache<T> = ReturnType<typeof createTtlCache<T>>
