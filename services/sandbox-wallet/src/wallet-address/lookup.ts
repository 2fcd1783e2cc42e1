import type { SandboxConfig } from '../config.ts'
import type { WalletAddress, WalletAddressService } from './service.ts'

/** The local wallet address a `walletAddress` URL (body or query) names. */
export async function walletFromUrl(
  deps: { config: SandboxConfig; walletAddresses: WalletAddressService },
  url: string | undefined
): Promise<WalletAddress | undefined> {
  const prefix = `${deps.config.baseUrl}/`
  if (!url || !url.startsWith(prefix)) return undefined
  return deps.walletAddresses.getByName(url.slice(prefix.length).replace(/\/$/, ''))
}
