import { createTtlCache } from '@voces/platform'
import type { PaymentsClient } from '../payments-client/types.ts'

export interface WalletAsset {
  assetCode: string
  assetScale: number
}

const FOUND_MS = 10 * 60_000
const FAILED_MS = 60_000
const MAX_ENTRIES = 1_000

/**
 * The asset a wallet holds, read through the payments service (which checks the address and caches its
 * document), or null when it cannot be read within `waitMs`: pages that say it must not wait on a slow
 * wallet. Remembered here for ten minutes (a failure for one), so that a job page seen again, or by many
 * creators, asks payments once; `fresh` asks again (a confirmation before money moves reads it now).
 */
export function createWalletAssetLookup(deps: { payments: PaymentsClient; now?: () => number }) {
  const remembered = createTtlCache<WalletAsset | null>({ ttlMs: (asset) => (asset ? FOUND_MS : FAILED_MS), maxEntries: MAX_ENTRIES, now: deps.now ?? Date.now })

  return function walletAsset(walletAddress: string, o: { waitMs?: number; fresh?: boolean } = {}): Promise<WalletAsset | null> {
    return remembered.get(walletAddress, () => ask(walletAddress, o.waitMs ?? 2_000), { fresh: o.fresh === true })
  }

  async function ask(walletAddress: string, waitMs: number): Promise<WalletAsset | null> {
    let timer: NodeJS.Timeout | undefined
    const late = new Promise<null>((resolve) => (timer = setTimeout(() => resolve(null), waitMs)))
    const check = await Promise.race([deps.payments.checkWallet(walletAddress), late]).finally(() => clearTimeout(timer))
    return check?.ok ? { assetCode: check.value.assetCode, assetScale: check.value.assetScale } : null
  }
}
