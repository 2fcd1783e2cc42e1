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

/** Whether a grant's interaction has passed its deadline (Rafiki: `createdAt + expiresIn < now`). */
export const interactionExpired = (grant: Grant, now: Date) =>
  grant.interactionExpiresAt !== null && grant.interactionExpiresAt.getTime() < now.getTime()

/** A grant whose client asked to be sent back to a finish URI (Rafiki's `isFinishableGrant`). */
export const isFinishable = (grant: Grant): grant is Grant & { finishUri: string } => grant.finishUri !== null

export const isRevoked = (grant: Grant) => grant.state === 'finalized' && grant.finalizationReason === 'revoked'
export const isRejected = (grant: Grant) => grant.state === 'finalized' && grant.finalizationReason === 'rejected'

/** The person's answer on the consent page. */
export type Decision = 'approve' | 'deny'

/** What the consent page does next. */
export type InteractionStep =
  | { kind: 'show' }
  /** Back to the client's finish URI, with `hash`+`interact_ref` or `result`(+`message`). */
  | { kind: 'redirect'; url: string }
  /** A grant without `finish`: the answer is recorded and the client learns it by polling. */
  | { kind: 'recorded'; decision: Decision }
  /** A grant without `finish` whose interaction can no longer be answered. */
  | { kind: 'ended'; status: number; reason: 'expired' | 'invalid' | 'unknown' }
