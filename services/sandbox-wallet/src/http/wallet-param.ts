import type { SandboxDeps } from '../app.ts'
import type { WalletAddress } from '../wallet-address/service.ts'

/** The local wallet address a `walletAddress` URL (body or query) names. */
export async function walletFromUrl(deps: Pick<SandboxDeps, 'config' | 'walletAddresses'>, url: string | undefined): Promise<WalletAddress | undefined> {
  const prefix = `${deps.config.baseUrl}/`
  if (!url || !url.startsWith(prefix)) return undefined
  return deps.walletAddresses.getByName(url.slice(prefix.length).replace(/\/$/, ''))
}
