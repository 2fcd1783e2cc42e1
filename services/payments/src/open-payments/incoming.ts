import type { AuthenticatedClient, IncomingPayment } from '@interledger/open-payments'
import { isFailure, type Failure } from '../errors.ts'
import type { ClientIdentity, OpenPayments } from './client.ts'

/** Where an incoming payment lives: the wallet address that owns it (its auth server issues our token) and its URL. */
export interface IncomingRef {
  walletAddressUrl: string
  incomingPaymentUrl: string
}

/** What an incoming payment we created says about the money: the one source of truth for "it arrived". */
export interface IncomingState {
  received: bigint
  /** No more money can arrive: completed (by amount or by us) or past its expiry. */
  closed: boolean
  completed: boolean
}

async function withIncomingToken<T>(
  openPayments: OpenPayments,
  identity: ClientIdentity,
  ref: IncomingRef,
  step: 'incoming_payment_status' | 'incoming_payment_completion',
  call: (client: AuthenticatedClient, accessToken: string) => Promise<T>
): Promise<T | Failure> {
  const wallet = await openPayments.walletAddress(ref.walletAddressUrl, 'receiver_wallet_address')
  if (isFailure(wallet)) return wallet
  return openPayments.withToken(identity, { authServer: wallet.authServer, access: 'incoming-payment' }, step, call)
}

/**
 * Reads an incoming payment this client created. A wallet credits its owner when the incoming
 * payment completes or expires, and `receivedAmount` is what really arrived (the sender's
 * `sentAmount` excludes its fees, so it is no measure of arrival).
 */
export async function readIncomingPayment(openPayments: OpenPayments, identity: ClientIdentity, ref: IncomingRef, now: Date): Promise<IncomingState | Failure> {
  const incoming = await withIncomingToken<IncomingPayment>(openPayments, identity, ref, 'incoming_payment_status', (client, accessToken) =>
    client.incomingPayment.get({ url: ref.incomingPaymentUrl, accessToken })
  )
  if (isFailure(incoming)) return incoming
  const expired = incoming.expiresAt !== undefined && new Date(incoming.expiresAt).getTime() <= now.getTime()
  return { received: BigInt(incoming.receivedAmount.value), completed: incoming.completed, closed: incoming.completed || expired }
}

/**
 * Completes an incoming payment this client created, so that its owner is credited now rather than
 * at its expiry, and no more money can arrive into it. Completing one that is already closed is done.
 */
export async function completeIncomingPayment(openPayments: OpenPayments, identity: ClientIdentity, ref: IncomingRef, now: Date): Promise<IncomingState | Failure> {
  const completed = await withIncomingToken<IncomingPayment>(openPayments, identity, ref, 'incoming_payment_completion', (client, accessToken) =>
    client.incomingPayment.complete({ url: ref.incomingPaymentUrl, accessToken })
  )
  if (!isFailure(completed)) return { received: BigInt(completed.receivedAmount.value), completed: true, closed: true }
  // Already completed or expired: the wallet refuses the call; read it to be sure.
  const state = await readIncomingPayment(openPayments, identity, ref, now)
  return !isFailure(state) && state.closed ? state : completed
}
