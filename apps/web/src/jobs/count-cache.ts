/**
 * Remembers the capped count of open jobs per filter for a few seconds. The count is the same for every
 * visitor with the same filter, and counting up to the cap read ~15× the rows of the page itself
 * (issue 14's browse profile); a "1,000+ jobs" label a few seconds old misleads no one. Filters that
 * depend on the viewer ("hide what I applied to") are never cached. Bounded, so a flood of distinct
 * searches cannot grow it without limit.
 */
export function createCountCache(deps: { ttlMs: number; maxEntries: number; now: () => Date }) {
  const entries = new Map<string, { value: number; until: number }>()
  return {
    async get(key: string, count: () => Promise<number>): Promise<number> {
      const at = deps.now().getTime()
      const hit = entries.get(key)
      if (hit && hit.until > at) return hit.value
      const value = await count()
      // Oldest first in a Map: dropping the first key evicts the longest-cached filter.
      if (!hit && entries.size >= deps.maxEntries) entries.delete(entries.keys().next().value!)
      entries.set(key, { value, until: at + deps.ttlMs })
      return value
    },
    /** This process changed a job: its own visitors see the change at once (others' within the TTL). */
    clear(): void {
      entries.clear()
    }
  }
}

export type CountCache = ReturnType<typeof createCountCache>
