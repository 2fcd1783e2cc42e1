import { createHash, randomBytes } from 'node:crypto'
import type { WalletAddress } from '../wallet-address/service.ts'

/** The sandbox's own ILP address, as a Rafiki instance has one (`ILP_ADDRESS`, e.g. `test.rafiki`). */
export const SANDBOX_ILP_ADDRESS = 'test.sandbox'

export interface IlpPaymentMethod {
  type: 'ilp'
  ilpAddress: string
  sharedSecret: string
}

/**
 * A stable ILP address per wallet address: the sandbox's address and an opaque segment, the shape
 * Rafiki's STREAM credentials have (`<ILP_ADDRESS>.<base64url token>`, payment-method/ilp/stream-credentials).
 * The sandbox settles internally, so nothing listens on it; clients see what Rafiki shows.
 */
export function ilpAddressOf(wallet: Pick<WalletAddress, 'id'>): string {
  const segment = createHash('sha256').update(`sandbox-wallet-address:${wallet.id}`).digest().subarray(0, 16).toString('base64url')
  return `${SANDBOX_ILP_ADDRESS}.${segment}`
}

/** A STREAM shared secret in Rafiki's format: base64url of 32 random bytes (payment-method/provider/service.ts). */
export const newSharedSecret = (): string => randomBytes(32).toString('base64url')

export const ilpMethod = (wallet: Pick<WalletAddress, 'id'>, sharedSecret: string): IlpPaymentMethod => ({
  type: 'ilp',
  ilpAddress: ilpAddressOf(wallet),
  sharedSecret
})
