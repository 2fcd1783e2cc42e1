import type { JWK } from '@interledger/http-signature-utils'
import { accessTokens, grants } from '../db/schema.ts'

export type Grant = typeof grants.$inferSelect
export type AccessToken = typeof accessTokens.$inferSelect

export interface AmountJson {
  value: string
  assetCode: string
  assetScale: number
}

export type AccessItem =
  | { type: 'incoming-payment'; actions: string[]; identifier?: string }
  | { type: 'quote'; actions: string[]; identifier?: string }
  | {
      type: 'outgoing-payment'
      actions: string[]
      identifier: string
      limits?: { receiver?: string; interval?: string; debitAmount?: AmountJson; receiveAmount?: AmountJson }
    }

export type ClientField = string | { walletAddress: string } | { jwk: JWK }

export interface GrantRequestBody {
  client: ClientField
  access_token?: { access: AccessItem[] }
  interact?: { start: string[]; finish?: { method: 'redirect'; uri: string; nonce: string } }
  subject?: unknown
}

export const grantAccess = (grant: Grant) => grant.access as AccessItem[]

/** Whether a grant's pending interaction has passed its deadline. */
export const interactionExpired = (grant: Grant, now = new Date()) =>
  grant.interactionExpiresAt !== null && grant.interactionExpiresAt.getTime() <= now.getTime()
