import { randomBytes } from 'node:crypto'
import { isPendingGrant, type PendingGrant, type WalletAddress } from '@interledger/open-payments'
import { CommonError, fail, isFailure, type Failure } from '../errors.ts'
import type { ClientIdentity, OpenPayments } from './client.ts'

type Amount = { value: string; assetCode: string; assetScale: number }

/** What to remember of a consent request: the finish hash and the continuation need all of it. */
export interface ConsentRequest {
  grant: PendingGrant
  /**
   * The columns every consent row stores, ready to spread into an insert or update. `wait` counts
   * from when the wallet created the grant; `grantRequestedAt` is taken after its answer, so it is safe.
   */
  columns: {
    clientNonce: string
    interactNonce: string
    redirectUrl: string
    continueUri: string
    continueToken: string
    continueWaitSeconds: number
    grantRequestedAt: Date
  }
}

/**
 * Asks `wallet`'s owner for an interactive outgoing-payment grant (the only kind Open Payments
 * allows): one for a single payment to a receiver, or a standing one for payouts. A wallet that
 * grants without asking its owner is refused: consent is the point.
 */
export async function requestConsent(
  openPayments: OpenPayments,
  client: ClientIdentity,
  input: {
    wallet: WalletAddress
    limits: { debitAmount: Amount; receiver?: string; interval?: string }
    finishUri: string
  }
): Promise<ConsentRequest | Failure> {
  const clientNonce = randomBytes(24).toString('base64url')
  const grant = await openPayments.call(client, 'outgoing_payment_grant', (c) =>
    c.grant.request(
      { url: input.wallet.authServer },
      {
        access_token: {
          access: [{ type: 'outgoing-payment', actions: ['create', 'read', 'list'], identifier: input.wallet.id, limits: input.limits }]
        },
        interact: { start: ['redirect'], finish: { method: 'redirect', uri: input.finishUri, nonce: clientNonce } }
      }
    )
  )
  if (isFailure(grant)) return grant
  const requestedAt = new Date()
  if (!isPendingGrant(grant)) {
    return fail(CommonError.WalletRejected, 'The wallet granted an outgoing payment without asking its owner', { step: 'outgoing_payment_grant' })
  }
  return {
    grant,
    columns: {
      clientNonce,
      interactNonce: grant.interact.finish,
      redirectUrl: grant.interact.redirect,
      continueUri: grant.continue.uri,
      continueToken: grant.continue.access_token.value,
      continueWaitSeconds: grant.continue.wait ?? 0,
      grantRequestedAt: requestedAt
    }
  }
}
