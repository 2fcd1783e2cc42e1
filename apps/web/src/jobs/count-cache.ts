import { createTtlCache } from '@voces/platform'

/**
 * Remembers the capped count of open jobs per filter for a few seconds. The count is the same for every
 * visitor with the same filter, and counting up to the cap read ~15× the rows of the page itself
 * (issue 14's browse profile); a "1,000+ jobs" label a few seconds old misleads no one. Filters that
 * depend on the viewer ("hide what I applied to") are never cached. Bounded, so a flood of distinct
 * searches cannot grow it without limit. `clear()`: this process changed a job, so its own visitors see
 * the change at once (others' within the TTL).
 */
export function createCountCache(deps: { ttlMs: number; maxEntries: number; now: () => Date }) {
  return createTtlCache<number>({ ttlMs: deps.ttlMs, maxEntries: deps.maxEntries, now: () => deps.now().getTime() })
}

export type CountCache = ReturnType<typeof createCountCache>
