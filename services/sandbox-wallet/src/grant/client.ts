import type { SandboxConfig } from '../config.ts'
import type { WalletAddressService } from '../wallet-address/service.ts'
import type { ClientUrls } from '../http/client-urls.ts'

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
export function createClientDirectory(deps: { config: SandboxConfig; walletAddresses: WalletAddressService; clientUrls: ClientUrls }) {
  /** The document's public name, over HTTP where the client-URL guards allow (at the check and at connect time). */
  async function publicName(walletAddressUrl: string): Promise<string | undefined> {
    try {
      const response = await deps.clientUrls.fetch(walletAddressUrl, 3000)
      return response?.ok ? ((await response.json()) as { publicName?: string }).publicName : undefined
    } catch {
      return undefined
    }
  }

  return {
    async describe(walletAddressUrl: string): Promise<ClientDisplay | undefined> {
      const prefix = `${deps.config.baseUrl}/`
      const local = walletAddressUrl.startsWith(prefix)
        ? await deps.walletAddresses.getByName(walletAddressUrl.slice(prefix.length).replace(/\/$/, ''))
        : undefined
      const name = local ? local.publicName : await publicName(walletAddressUrl)
      return name ? { name, uri: walletAddressUrl } : undefined
    }
  }
}
