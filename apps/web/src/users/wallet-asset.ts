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
  const now = deps.now ?? Date.now
  const remembered = new Map<string, { until: number; asset: WalletAsset | null }>()

  return async function walletAsset(walletAddress: string, o: { waitMs?: number; fresh?: boolean } = {}): Promise<WalletAsset | null> {
    const waitMs = o.waitMs ?? 2_000
    const hit = remembered.get(walletAddress)
    if (hit && hit.until > now() && !o.fresh) return hit.asset
    const controller = new AbortController()
    const timer = setTimeout(() => controller.abort(), waitMs)
    const late = new Promise<null>((resolve) => controller.signal.addEventListener('abort', () => resolve(null)))
    const check = await Promise.race([deps.payments.checkWallet(walletAddress), late]).finally(() => clearTimeout(timer))
    const asset = check?.ok ? { assetCode: check.value.assetCode, assetScale: check.value.assetScale } : null
    if (remembered.size >= MAX_ENTRIES) remembered.clear()
    remembered.set(walletAddress, { until: now() + (asset ? FOUND_MS : FAILED_MS), asset })
    return asset
  }
}
