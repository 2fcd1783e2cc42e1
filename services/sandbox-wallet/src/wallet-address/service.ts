import { eq } from 'drizzle-orm'
import type { JWK } from '@interledger/http-signature-utils'
import type { Db, Tx } from '@voces/platform'
import { clientKeys, walletAddresses } from '../db/schema.ts'
import { RESERVED_NAMES } from '../config.ts'
import { fail, type Failure } from '../http/errors.ts'
import type { LedgerService } from '../ledger/service.ts'
import { SUPPORTED_ASSETS } from '../quote/rates.ts'

export type WalletAddress = typeof walletAddresses.$inferSelect

export interface WalletAddressService {
  create(input: { name: string; publicName: string; assetCode: string }): Promise<WalletAddress | Failure>
  getByName(name: string): Promise<WalletAddress | undefined>
  getById(id: string, tx?: Db | Tx): Promise<WalletAddress | undefined>
  list(): Promise<WalletAddress[]>
  addKey(walletAddressId: string, jwk: JWK): Promise<void>
  keys(walletAddressId: string): Promise<JWK[]>
}

const NAME = /^[a-z0-9][a-z0-9_-]{1,62}$/

export function createWalletAddressService(deps: { db: Db; ledger: LedgerService }): WalletAddressService {
  const { db } = deps
  return {
    async create({ name, publicName, assetCode }) {
      if (!NAME.test(name) || RESERVED_NAMES.has(name)) return fail('invalid_request', `name "${name}" is not allowed`)
      const asset = SUPPORTED_ASSETS[assetCode]
      if (!asset) return fail('unsupported_asset', assetCode)
      return db.transaction(async (tx) => {
        const [created] = await tx
          .insert(walletAddresses)
          .values({ name, publicName, assetCode, assetScale: asset.scale })
          .onConflictDoNothing()
          .returning()
        if (!created) return fail('wallet_address_exists', name)
        await deps.ledger.openWalletAccount(tx, created)
        return created
      })
    },
    async getByName(name) {
      const [row] = await db.select().from(walletAddresses).where(eq(walletAddresses.name, name))
      return row
    },
    async getById(id, tx = db) {
      const [row] = await tx.select().from(walletAddresses).where(eq(walletAddresses.id, id))
      return row
    },
    list: () => db.select().from(walletAddresses).orderBy(walletAddresses.name),
    async addKey(walletAddressId, jwk) {
      await db
        .insert(clientKeys)
        .values({ walletAddressId, kid: jwk.kid, jwk })
        .onConflictDoUpdate({ target: [clientKeys.walletAddressId, clientKeys.kid], set: { jwk } })
    },
    async keys(walletAddressId) {
      const rows = await db.select().from(clientKeys).where(eq(clientKeys.walletAddressId, walletAddressId))
      return rows.map((r) => r.jwk as JWK)
    }
  }
}
