import type { WalletAddress } from '@interledger/open-payments'

export interface WalletAddressCache {
  get(url: string): Promise<WalletAddress>
  clear(): void
}

/**
 * Wallet address documents change slowly (the spec says so): keep each for `ttlMs`, and let
 * concurrent callers share one fetch. Failed fetches are not cached.
 */
export function createWalletAddressCache(deps: {
  fetch: (url: string) => Promise<WalletAddress>
  ttlMs: number
  now?: () => number
}): WalletAddressCache {
  const now = deps.now ?? Date.now
  const entries = new Map<string, { expiresAt: number; value: Promise<WalletAddress> }>()
  return {
    get(url) {
      const key = url.replace(/\/+$/, '')
      const hit = entries.get(key)
      if (hit && hit.expiresAt > now()) return hit.value
      const value = deps.fetch(key)
      entries.set(key, { expiresAt: now() + deps.ttlMs, value })
      value.catch(() => {
        if (entries.get(key)?.value === value) entries.delete(key)
      })
      return value
    },
    clear() {
      entries.clear()
    }
  }
}
