import { createHash, createPublicKey, type KeyObject } from 'node:crypto'
import { existsSync, mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import { generateJwk, generateKey, loadKey, type JWK } from '@interledger/http-signature-utils'
import type { Logger } from '@voces/platform'
import type { SandboxDeps } from './deps.ts'
import { isFailure } from './http/errors.ts'

/** The wallets every fresh sandbox has, and what they start with (minor units, scale 2). */
export const SEED_WALLETS = [
  { name: 'marketplace', publicName: 'Voces Market (escrow)', assetCode: 'MXN', deposit: 0n },
  { name: 'demo_funder', publicName: 'Demo Funder', assetCode: 'MXN', deposit: 5_000_000n },
  { name: 'demo_both_1', publicName: 'Demo Both One', assetCode: 'USD', deposit: 250_000n },
  { name: 'maria_nahuatl', publicName: 'María (Nahuatl)', assetCode: 'MXN', deposit: 0n },
  { name: 'carlos_otomi', publicName: 'Carlos (Otomí)', assetCode: 'MXN', deposit: 0n },
  { name: 'ana_quechua', publicName: 'Ana (Quechua)', assetCode: 'MXN', deposit: 0n },
  { name: 'demo_both_2', publicName: 'Demo Both Two', assetCode: 'EUR', deposit: 50_000n }
] as const

export interface ClientKey {
  keyId: string
  privateKey: KeyObject
  jwk: JWK
}

/**
 * Loads the Ed25519 key at `path`, generating it on first start (mode 0600, never in git).
 * The key id is derived from the public key, so it is stable across restarts.
 */
export function ensureClientKey(path: string): ClientKey {
  if (!existsSync(path)) {
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 })
    const dir = dirname(path)
    const fileName = path.slice(dir.length + 1).replace(/\.pem$/, '')
    generateKey({ dir, fileName })
  }
  const privateKey = loadKey(path)
  const x = createPublicKey(privateKey).export({ format: 'jwk' }).x!
  const keyId = `voces-${createHash('sha256').update(x).digest('hex').slice(0, 16)}`
  return { keyId, privateKey, jwk: generateJwk({ privateKey, keyId }) }
}

/** Seeds the demo wallets idempotently: existing wallets are left as they are. */
export async function seedSandbox(deps: SandboxDeps, options: { marketplaceKey: ClientKey; logger: Logger }): Promise<void> {
  for (const seed of SEED_WALLETS) {
    const created = await deps.walletAddresses.create(seed)
    if (isFailure(created)) continue
    if (seed.deposit > 0n) await deps.ledger.deposit(created, seed.deposit, 'seed')
    options.logger.info({ wallet: seed.name }, 'seeded sandbox wallet')
  }
  const marketplace = await deps.walletAddresses.getByName('marketplace')
  await deps.walletAddresses.addKey(marketplace!.id, options.marketplaceKey.jwk)
}
