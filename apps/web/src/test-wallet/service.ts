import { eq } from 'drizzle-orm'
import type { Db, Logger } from '@voces/platform'
import { users, type User } from '../domain/user.ts'
import type { SandboxAdmin, SandboxWallet } from './sandbox.ts'
import type { TestWalletError } from './errors.ts'

/** Play money a new test wallet starts with, in major units of the marketplace's asset. */
export const TEST_WALLET_FUNDS = 1000n

/**
 * Test wallets: in the sandbox only, a person gets a funded wallet in one tap. The wallet's name is
 * derived from the person's id, so a double tap or a retry after a lost answer finds the same
 * wallet instead of making a second one; the play money is deposited only into an empty wallet, and
 * the address is written on the profile only once the money is there.
 */
export function createTestWalletService(deps: { db: Db; sandbox: SandboxAdmin; wallets: { sandboxUrl: string }; asset: { code: string; scale: number }; logger: Logger }) {
  const nameOf = (user: User) => {
    const readable = user.username.normalize('NFKD').toLowerCase().replace(/[^a-z0-9_]/g, '').slice(0, 20)
    return `${readable || 'wallet'}-${user.id.replaceAll('-', '').slice(0, 8)}`
  }

  // Two taps at once share one attempt (in this process): one wallet, one deposit.
  const inFlight = new Map<string, Promise<SandboxWallet | TestWalletError>>()

  async function create(user: User): Promise<SandboxWallet | TestWalletError> {
    const name = nameOf(user)
    let wallet = await deps.sandbox.create({ name, publicName: user.displayName.slice(0, 200) || user.username, assetCode: deps.asset.code })
    if (wallet === 'exists') wallet = await deps.sandbox.get(name)
    if (typeof wallet === 'string') {
      deps.logger.warn({ userId: user.id, answer: wallet }, 'test wallet not created: the sandbox wallet did not answer')
      return 'test_wallet_unavailable'
    }
    if (wallet.balance === 0n) {
      const funded = await deps.sandbox.deposit(name, TEST_WALLET_FUNDS * 10n ** BigInt(wallet.assetScale))
      if (typeof funded === 'string') {
        deps.logger.warn({ userId: user.id, answer: funded }, 'test wallet not funded: the sandbox wallet did not answer')
        return 'test_wallet_unavailable'
      }
      wallet = funded
    }
    await deps.db.update(users).set({ walletAddress: wallet.url }).where(eq(users.id, user.id))
    deps.logger.info({ userId: user.id, wallet: wallet.url }, 'test wallet created')
    return wallet
  }

  return {
    /** The person's test wallet with its balance, when their profile's wallet is one; null otherwise. */
    async current(user: User): Promise<SandboxWallet | null | 'unavailable'> {
      const name = nameOf(user)
      if (user.walletAddress !== `${deps.wallets.sandboxUrl}/${name}`) return null
      const wallet = await deps.sandbox.get(name)
      return typeof wallet === 'string' ? (wallet === 'not_found' ? null : 'unavailable') : wallet
    },

    /** Makes (or finds) the person's funded test wallet and puts it on their profile. */
    create(user: User): Promise<SandboxWallet | TestWalletError> {
      const running = inFlight.get(user.id)
      if (running) return running
      const attempt = create(user).finally(() => inFlight.delete(user.id))
      inFlight.set(user.id, attempt)
      return attempt
    },

    /** The play money a new test wallet gets. */
    funds: { value: TEST_WALLET_FUNDS * 10n ** BigInt(deps.asset.scale), assetCode: deps.asset.code, assetScale: deps.asset.scale }
  }
}

export type TestWalletService = ReturnType<typeof createTestWalletService>
