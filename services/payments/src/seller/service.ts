import { eq } from 'drizzle-orm'
import { createTtlCache, type Db, type Logger } from '@voces/platform'
import { CommonError, fail, isFailure, type Failure, SellerError } from '../errors.ts'
import type { ClientIdentity, OpenPayments } from '../open-payments/client.ts'
import { keyFileInDir, loadPrivateKey } from '../open-payments/keys.ts'
import type { SellerKeyConfig } from '../config.ts'
import { sellers, type KeyRef, type SellerRow, type SellerView } from './model.ts'

const SELLER_CACHE_MS = 30_000

export interface RegisterSellerInput {
  id: string
  walletAddressUrl: string
  keyId: string
  privateKeyPath?: string | undefined
  privateKeyEnv?: string | undefined
}

export interface SellerService {
  /** Registers (or updates) the marketplace seller from configuration. */
  ensureConfigured(seller: SellerKeyConfig): Promise<void>
  register(input: RegisterSellerInput): Promise<SellerView | Failure>
  get(id: string): Promise<ClientIdentity | Failure>
  list(): Promise<SellerView[]>
}

export function createSellerService(deps: {
  db: Db
  logger: Logger
  openPayments: OpenPayments
  keysDir: string
  /** The payout grants' states of these sellers, newest first (given by the payout feature, which sits above). */
  payoutGrantStates: (sellerIds: string[]) => Promise<{ sellerId: string; state: string }[]>
}): SellerService {
  // Every payment start names its seller: its row is remembered briefly rather than read each time. A row
  // changes only when a process starts with a new SELLER_* configuration; another process sees that within
  // SELLER_CACHE_MS (the signing client itself is kept per key id anyway). An unknown id is not remembered,
  // so a seller registered a moment ago in another process is found at once.
  const remembered = createTtlCache<ClientIdentity | Failure>({ ttlMs: (s) => (isFailure(s) ? 0 : SELLER_CACHE_MS), maxEntries: 1000, now: Date.now })

  async function views(rows: SellerRow[]): Promise<SellerView[]> {
    const grants = rows.length ? await deps.payoutGrantStates(rows.map((r) => r.id)) : []
    // Wallet documents are fetched concurrently and cached; a wallet that is down only hides the asset.
    return Promise.all(
      rows.map(async (row) => {
        const wallet = await deps.openPayments.walletAddress(row.walletAddressUrl, 'seller_wallet_address')
        const states = grants.filter((g) => g.sellerId === row.id).map((g) => g.state)
        return {
          id: row.id,
          walletAddressUrl: row.walletAddressUrl,
          keyId: row.keyId,
          keySource: row.keyRef.kind,
          assetCode: isFailure(wallet) ? undefined : wallet.assetCode,
          assetScale: isFailure(wallet) ? undefined : wallet.assetScale,
          payoutGrant: states.includes('active') ? 'active' : states[0] === 'awaiting_consent' ? 'awaiting_consent' : 'none',
          createdAt: row.createdAt.toISOString()
        }
      })
    )
  }

  return {
    async ensureConfigured(seller) {
      remembered.clear()
      const keyRef: KeyRef = { kind: 'file', path: seller.privateKeyPath }
      await deps.db
        .insert(sellers)
        .values({ id: seller.id, walletAddressUrl: seller.walletAddressUrl, keyId: seller.keyId, keyRef, source: 'config' })
        .onConflictDoUpdate({
          target: sellers.id,
          set: { walletAddressUrl: seller.walletAddressUrl, keyId: seller.keyId, keyRef, source: 'config' }
        })
    },

    async register(input) {
      if (Boolean(input.privateKeyPath) === Boolean(input.privateKeyEnv)) {
        return fail(CommonError.InvalidRequest, 'Give exactly one of privateKeyPath (a PEM file) or privateKeyEnv (an environment variable name)')
      }
      let keyRef: KeyRef
      if (input.privateKeyPath) {
        const path = keyFileInDir(input.privateKeyPath, deps.keysDir)
        if (typeof path !== 'string') return fail(SellerError.InvalidSellerKey, path.refused)
        keyRef = { kind: 'file', path }
      } else {
        keyRef = { kind: 'env', name: input.privateKeyEnv! }
      }
      const key = loadPrivateKey(keyRef)
      if (typeof key === 'string') return fail(SellerError.InvalidSellerKey, key)
      const walletAddressUrl = input.walletAddressUrl.replace(/\/+$/, '')
      const wallet = await deps.openPayments.walletAddress(walletAddressUrl, 'seller_wallet_address')
      if (isFailure(wallet)) return wallet
      const inserted = await deps.db
        .insert(sellers)
        .values({ id: input.id, walletAddressUrl, keyId: input.keyId, keyRef, source: 'api' })
        .onConflictDoNothing()
        .returning()
      if (!inserted[0]) return fail(SellerError.SellerExists, `A seller with id ${input.id} already exists`)
      deps.logger.info({ sellerId: input.id, walletAddressUrl, keySource: keyRef.kind }, 'seller registered')
      return (await views(inserted))[0]!
    },

    get(id) {
      return remembered.get(id, async () => {
        const [row] = await deps.db.select().from(sellers).where(eq(sellers.id, id))
        if (!row) return fail(SellerError.UnknownSeller, `No seller with id ${id}`)
        return { id: row.id, walletAddressUrl: row.walletAddressUrl, keyId: row.keyId, keyRef: row.keyRef }
      })
    },

    async list() {
      return views(await deps.db.select().from(sellers).orderBy(sellers.createdAt))
    }
  }
}
