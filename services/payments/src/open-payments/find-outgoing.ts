import type { OutgoingPayment } from '@interledger/open-payments'
import { CommonError, fail, isFailure, type Failure } from '../errors.ts'
import type { ClientIdentity, OpenPayments } from './client.ts'

/**
 * The outgoing payment made from `quoteId`, if a create whose answer was lost did reach the wallet.
 * Lists newest first and pages on: a payment is recent, but a busy wallet may have made many since.
 */
export async function findOutgoingPaymentByQuote(
  openPayments: OpenPayments,
  identity: ClientIdentity,
  where: { resourceServer: string; walletAddress: string; accessToken: string; quoteId: string }
): Promise<OutgoingPayment | undefined | Failure> {
  let cursor: string | undefined
  for (let pages = 0; pages < 50; pages++) {
    const page = await openPayments.call(identity, 'outgoing_payment', (client) =>
      client.outgoingPayment.list(
        { url: where.resourceServer, walletAddress: where.walletAddress, accessToken: where.accessToken },
        // The SDK's pagination type wants `wallet-address` as well; the URL carries it either way.
        { first: 100, ...(cursor ? { cursor } : {}), 'wallet-address': where.walletAddress } as never
      )
    )
    if (isFailure(page)) return page
    const found = page.result.find((o) => o.quoteId === where.quoteId)
    if (found || !page.pagination.hasNextPage || !page.pagination.endCursor) return found
    cursor = page.pagination.endCursor
  }
  return fail(CommonError.WalletUnavailable, 'Too many outgoing payments to look through; will look again', { step: 'outgoing_payment' })
}
