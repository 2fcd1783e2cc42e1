import { randomBytes } from 'node:crypto'
import { eq } from 'drizzle-orm'
import { isFinalizedGrantWithAccessToken, isPendingGrant, type WalletAddress } from '@interledger/open-payments'
import { transitionIf, type Clock, type Db, type Logger } from '@voces/platform'
import type { PaymentsConfig } from '../config.ts'
import { CommonError, fail, isFailure, isWalletFailure, type Failure, type WalletFailure } from '../errors.ts'
import type { ClientIdentity, OpenPayments } from '../open-payments/client.ts'
import { verifyFinishHash } from '../open-payments/hash.ts'
import type { SellerService } from '../seller/service.ts'
import { consents, type ConsentPurpose, type ConsentRow } from './model.ts'

type Amount = { value: string; assetCode: string; assetScale: number }
/** What an outgoing-payment grant may spend: a debit (fee included) or what arrives, never both (Rafiki takes one). */
export type GrantLimits = ({ debitAmount: Amount; receiveAmount?: never } | { receiveAmount: Amount; debitAmount?: never }) & { receiver?: string; interval?: string }
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/** What continuing a claimed consent gave: the access token, or when to try again. */
export type Continued = { token: { value: string; manage: string; expiresIn: number | undefined } } | { retryAt: Date } | Failure

export interface ConsentService {
  /**
   * Asks `wallet`'s owner for an interactive outgoing-payment grant (the only kind Open Payments
   * allows): one for a single payment to a receiver, or a standing one for payouts. A wallet that
   * grants without asking its owner is refused: consent is the point. A consent takes its subject's
   * id (the payment or payout grant), so a finish link names either.
   */
  request(
    seller: ClientIdentity,
    input: { id: string; purpose: ConsentPurpose; wallet: WalletAddress; limits: GrantLimits }
  ): Promise<ConsentRow | Failure>
  find(id: string): Promise<ConsentRow | undefined>
  /**
   * A finish redirect with a hash: verified (constant time) before anything else, then the consent
   * is claimed, once. Returns the claimed consent, 'invalid' for a wrong or missing hash, or
   * 'taken' when it was already claimed or closed (a replay, or a concurrent callback).
   */
  claim(consent: ConsentRow, query: { hash?: string | undefined; interact_ref?: string | undefined }): Promise<ConsentRow | 'invalid' | 'taken'>
  /** Remembers what an unsigned redirect said, if the consent is still awaiting. */
  noteResult(consent: ConsentRow, result: string): Promise<ConsentRow | undefined>
  /** Closes an awaiting consent (its subject ended) and cancels the grant at the wallet; false if it was claimed first. */
  close(consent: ConsentRow): Promise<boolean>
  /** Continues a claimed consent's grant with its interact_ref, waiting out `wait` up to maxContinueWaitMs. */
  continue(seller: ClientIdentity, consent: ConsentRow): Promise<Continued>
}

export function createConsentService(deps: {
  db: Db
  logger: Logger
  clock: Clock
  openPayments: OpenPayments
  sellers: Pick<SellerService, 'get'>
  config: Pick<PaymentsConfig, 'publicBaseUrl' | 'maxContinueWaitMs'>
}): ConsentService {
  const log = deps.logger.child({ component: 'consent' })
  const set = (id: string, guard: (c: ConsentRow) => boolean, patch: Partial<typeof consents.$inferInsert>) =>
    transitionIf(deps.db, consents, id, guard, { ...patch, updatedAt: new Date() })

  return {
    async request(seller, input) {
      const { id } = input
      const clientNonce = randomBytes(24).toString('base64url')
      const grant = await deps.openPayments.call(seller, 'outgoing_payment_grant', (c) =>
        c.grant.request(
          { url: input.wallet.authServer },
          {
            access_token: {
              access: [{ type: 'outgoing-payment', actions: ['create', 'read', 'list'], identifier: input.wallet.id, limits: input.limits }]
            },
            interact: { start: ['redirect'], finish: { method: 'redirect', uri: `${deps.config.publicBaseUrl}/payments/finish?consent=${id}`, nonce: clientNonce } }
          }
        )
      )
      if (isFailure(grant)) return grant
      const requestedAt = new Date()
      if (!isPendingGrant(grant)) {
        return fail(CommonError.WalletRejected, 'The wallet granted an outgoing payment without asking its owner', { step: 'outgoing_payment_grant' })
      }
      const [row] = await deps.db
        .insert(consents)
        .values({
          id,
          purpose: input.purpose,
          state: 'awaiting',
          sellerId: seller.id,
          walletAddressId: input.wallet.id,
          authServer: input.wallet.authServer,
          clientNonce,
          interactNonce: grant.interact.finish,
          redirectUrl: grant.interact.redirect,
          continueUri: grant.continue.uri,
          continueToken: grant.continue.access_token.value,
          continueWaitSeconds: grant.continue.wait ?? 0,
          grantRequestedAt: requestedAt
        })
        .returning()
      return row!
    },

    async find(id) {
      const [row] = await deps.db.select().from(consents).where(eq(consents.id, id))
      return row
    },

    async claim(consent, query) {
      const valid =
        !!query.interact_ref &&
        verifyFinishHash({ hash: query.hash, clientNonce: consent.clientNonce, interactNonce: consent.interactNonce, interactRef: query.interact_ref, authServer: consent.authServer })
      if (!valid) {
        log.warn({ consentId: consent.id, hasHash: Boolean(query.hash), hasInteractRef: Boolean(query.interact_ref) }, 'finish callback with an invalid hash ignored')
        return 'invalid'
      }
      const claimed = await set(consent.id, (c) => c.state === 'awaiting', { state: 'claimed', interactRef: query.interact_ref! })
      return claimed ?? 'taken'
    },

    noteResult(consent, result) {
      return set(consent.id, (c) => c.state === 'awaiting', { walletResult: result.slice(0, 100) })
    },

    async close(consent) {
      const closed = await set(consent.id, (c) => c.state === 'awaiting', { state: 'closed' })
      if (!closed) return false
      // Best effort: a grant nobody will use should not stay approvable at the wallet.
      const seller = await deps.sellers.get(consent.sellerId)
      if (isFailure(seller)) return true
      const cancelled = await deps.openPayments.call(seller, 'grant_continuation', (client) =>
        client.grant.cancel({ url: consent.continueUri, accessToken: consent.continueToken })
      )
      if (isFailure(cancelled)) log.info({ consentId: consent.id, reason: cancelled.message }, 'grant cancel failed (ignored)')
      return true
    },

    async continue(seller, consent) {
      const waitUntil = consent.grantRequestedAt.getTime() + consent.continueWaitSeconds * 1000
      const remaining = waitUntil - Date.now()
      if (remaining > deps.config.maxContinueWaitMs) return { retryAt: new Date(deps.clock.now().getTime() + remaining) }
      if (remaining > 0) await sleep(remaining)
      const waitMs = Math.max(1, consent.continueWaitSeconds) * 1000 + 200
      const tryContinue = () =>
        deps.openPayments.call(seller, 'grant_continuation', (client) =>
          client.grant.continue({ url: consent.continueUri, accessToken: consent.continueToken }, { interact_ref: consent.interactRef! })
        )
      const isTooFast = (r: unknown) => isWalletFailure(r) && r.walletCode === 'too_fast'
      let grant = await tryContinue()
      // `too_fast`: the wallet counts `wait` from the grant's creation on its own clock (Rafiki), which may
      // run ahead of ours; one more wait of the same length is enough, and a second too_fast waits for later.
      if (isTooFast(grant) && waitMs <= deps.config.maxContinueWaitMs) {
        await sleep(waitMs)
        grant = await tryContinue()
      }
      if (isTooFast(grant)) return { retryAt: new Date(deps.clock.now().getTime() + waitMs) }
      if (isFailure(grant)) return grant
      if (!isFinalizedGrantWithAccessToken(grant)) {
        // Worth asking again later: the wallet has not issued the token yet.
        const notYet: WalletFailure = { failure: CommonError.WalletUnavailable, message: 'The wallet has not finalised the grant yet', step: 'grant_continuation', transient: true }
        return notYet
      }
      return { token: { value: grant.access_token.value, manage: grant.access_token.manage, expiresIn: grant.access_token.expires_in } }
    }
  }
}
