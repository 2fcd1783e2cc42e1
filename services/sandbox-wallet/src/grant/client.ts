import type { SandboxConfig } from '../config.ts'
import type { WalletAddressService } from '../wallet-address/service.ts'
import type { UrlGuard } from '@voces/platform/url-guard'

/** How a client is shown to the person who consents: its wallet address's public name and URL. */
export interface ClientDisplay {
  name: string
  uri: string
}

/**
 * Reads a client's display details from its wallet address document, as Rafiki's
 * `clientService.get` does (packages/auth/src/client/service.ts): a client without a public name
 * cannot ask for an interactive grant. Sandbox wallets are read from the database, others over HTTP
 * only where the client-URL guard allows (never loopback or private addresses of strangers).
 */
export function createClientDirectory(deps: { config: SandboxConfig; walletAddresses: WalletAddressService; clientUrls: UrlGuard }) {
  return {
    async describe(walletAddressUrl: string): Promise<ClientDisplay | undefined> {
      const prefix = `${deps.config.baseUrl}/`
      const local = walletAddressUrl.startsWith(prefix)
        ? await deps.walletAddresses.getByName(walletAddressUrl.slice(prefix.length).replace(/\/$/, ''))
        : undefined
      const name = local ? local.publicName : (await deps.clientUrls.allows(walletAddressUrl)) ? await fetchPublicName(walletAddressUrl) : undefined
      return name ? { name, uri: walletAddressUrl } : undefined
    }
  }
}

async function fetchPublicName(walletAddressUrl: string): Promise<string | undefined> {
  try {
    const response = await fetch(walletAddressUrl, { headers: { accept: 'application/json' }, signal: AbortSignal.timeout(3000) })
    return response.ok ? ((await response.json()) as { publicName?: string }).publicName : undefined
  } catch {
    return undefined
  }
}
