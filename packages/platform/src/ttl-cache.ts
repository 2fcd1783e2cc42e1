/**
 * Values remembered for a while per key, bounded: the oldest entry goes when it is full, so a flood of
 * distinct keys cannot grow it without limit. `ttlMs` may depend on the value (a failure remembered less
 * long than an answer). `fresh` computes again (and remembers the new value) whatever is held. `peek` and
 * `set` serve a caller whose value is made elsewhere (a page rendered by its route, then remembered).
 */
export function createTtlCache<T>(deps: { ttlMs: number | ((value: T) => number); maxEntries: number; now: () => number }) {
  const entries = new Map<string, { value: T; until: number }>()
  const ttl = (value: T) => (typeof deps.ttlMs === 'number' ? deps.ttlMs : deps.ttlMs(value))
  const held = (key: string) => {
    const hit = entries.get(key)
    return hit && hit.until > deps.now() ? hit : undefined
  }
  /** The value held for `key`, or undefined (so a cache of values that may be undefined should use `get`). */
  const peek = (key: string): T | undefined => held(key)?.value
  function set(key: string, value: T): T {
    // Oldest first in a Map (a key set again moves to the end): dropping the first key evicts the entry
    // set longest ago, the first to expire anyway.
    if (!entries.delete(key) && entries.size >= deps.maxEntries) entries.delete(entries.keys().next().value!)
    entries.set(key, { value, until: deps.now() + ttl(value) })
    return value
  }
  return {
    async get(key: string, compute: () => Promise<T>, options: { fresh?: boolean } = {}): Promise<T> {
      const hit = options.fresh ? undefined : held(key)
      return hit ? hit.value : set(key, await compute())
    },
    peek,
    set,
    clear(): void {
      entries.clear()
    }
  }
}

export type TtlCache<T> = ReturnType<typeof createTtlCache<T>>
