import { z } from 'zod'

/** A wallet on the sandbox, as its admin API describes it. */
export interface SandboxWallet {
  name: string
  url: string
  publicName: string
  assetCode: string
  assetScale: number
  balance: bigint
}

export type SandboxAnswer<T> = T | 'exists' | 'not_found' | 'unavailable'

export interface SandboxAdmin {
  create(input: { name: string; publicName: string; assetCode: string }): Promise<SandboxAnswer<SandboxWallet>>
  get(name: string): Promise<SandboxAnswer<SandboxWallet>>
  deposit(name: string, value: bigint): Promise<SandboxAnswer<SandboxWallet>>
}

const walletAnswer = z.object({
  name: z.string(),
  url: z.string(),
  publicName: z.string(),
  assetCode: z.string(),
  assetScale: z.number().int(),
  balance: z.string().regex(/^-?\d+$/)
})

/**
 * The sandbox wallet's admin API (docs/sandbox-wallet.md), used only to make test wallets of play
 * money. Server side only: the admin token never reaches a browser. Every call has a deadline; an
 * answer outside the expected shape counts as the sandbox being unavailable, never as a wallet.
 */
export function createSandboxAdmin(options: { sandboxUrl: string; adminToken: string; timeoutMs?: number }): SandboxAdmin {
  async function call(method: 'GET' | 'POST', path: string, body?: unknown): Promise<SandboxAnswer<SandboxWallet>> {
    let response: Response
    try {
      // Read at each call, as the rest of the config: tests learn the sandbox's port after start.
      response = await fetch(`${options.sandboxUrl}${path}`, {
        method,
        headers: { authorization: `Bearer ${options.adminToken}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? null : JSON.stringify(body),
        redirect: 'manual',
        signal: AbortSignal.timeout(options.timeoutMs ?? 5_000)
      })
    } catch {
      return 'unavailable'
    }
    if (response.status === 409) return 'exists'
    if (response.status === 404) return 'not_found'
    if (!response.ok) return 'unavailable'
    const parsed = walletAnswer.safeParse(await response.json().catch(() => null))
    if (!parsed.success) return 'unavailable'
    return { ...parsed.data, balance: BigInt(parsed.data.balance) }
  }
  return {
    create: (input) => call('POST', '/admin/wallet-addresses', input),
    get: (name) => call('GET', `/admin/wallet-addresses/${encodeURIComponent(name)}`),
    deposit: (name, value) => call('POST', `/admin/wallet-addresses/${encodeURIComponent(name)}/deposits`, { value: value.toString() })
  }
}
