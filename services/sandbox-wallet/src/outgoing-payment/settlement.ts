import { and, eq, lte } from 'drizzle-orm'
import type { Clock, Db, Logger } from '@voces/platform'
import { outgoingPayments } from '../db/schema.ts'
import { urls, type SandboxConfig } from '../config.ts'
import type { IncomingPaymentService } from '../incoming-payment/service.ts'
import type { LedgerService } from '../ledger/service.ts'
import type { QuoteService } from '../quote/service.ts'
import type { WalletAddressService } from '../wallet-address/service.ts'

type Outcome = { state: 'completed'; sent: bigint } | { state: 'failed'; error: string }

/**
 * Sends due outgoing payments as Rafiki's lifecycle does for a receiver on the same instance
 * (open_payments/payment/outgoing/lifecycle.ts `handleSending`, payment-method/local/service.ts `pay`):
 * - the sender is debited `debitAmount`; the fee stays with the wallet (fee account) and
 *   `debitAmountMinusFees` is sent, which becomes `sentAmount`;
 * - the receiver's incoming payment gets at most what it still lacks, held until it completes or expires;
 * - an incoming payment that is already completed or expired ends the payment as completed with
 *   nothing sent; a sender short of funds ends it failed (Rafiki: cancelled while funding), nothing moved.
 */
export function createSettlement(deps: {
  db: Db
  config: SandboxConfig
  clock: Clock
  logger: Logger
  walletAddresses: WalletAddressService
  incomingPayments: IncomingPaymentService
  quotes: QuoteService
  ledger: LedgerService
}): { settleDue(limit?: number): Promise<number> } {
  const { db, config, clock } = deps
  const u = urls(config)

  async function settleNext(): Promise<boolean> {
    const dueBefore = new Date(clock.now().getTime() - config.settlementDelayMs)
    let claimed: string | undefined
    try {
      return await db.transaction(async (tx) => {
        const [payment] = await tx
          .select()
          .from(outgoingPayments)
          .where(and(eq(outgoingPayments.state, 'sending'), lte(outgoingPayments.createdAt, dueBefore)))
          .orderBy(outgoingPayments.createdAt)
          .limit(1)
          // Don't wait for a payment another process is already sending.
          .for('update', { skipLocked: true })
        if (!payment) return false
        claimed = payment.id
        const finish = async (outcome: Outcome) => {
          await tx
            .update(outgoingPayments)
            .set({
              state: outcome.state,
              error: outcome.state === 'failed' ? outcome.error : null,
              sentAmount: outcome.state === 'completed' ? outcome.sent : 0n,
              updatedAt: clock.now()
            })
            .where(eq(outgoingPayments.id, payment.id))
          return true
        }
        // Only `tx` inside a transaction: the embedded database has one connection.
        const quote = await deps.quotes.get(payment.quoteId, tx)
        const sender = await deps.walletAddresses.getById(payment.walletAddressId, tx)
        if (!quote || !sender) return finish({ state: 'failed', error: 'bad_state' })
        if (clock.now() >= quote.expiresAt) return finish({ state: 'failed', error: 'quote_expired' })
        const target = await deps.incomingPayments.resolveReceiver(payment.receiver, tx)
        const deliver = target ? await deps.incomingPayments.receivable(tx, target.payment.id, payment.receiveAmount) : 0n
        if (!target || deliver <= 0n) return finish({ state: 'completed', sent: 0n })
        const moved = await deps.ledger.settle(tx, {
          sender,
          receiver: target.wallet,
          debit: payment.debitAmount,
          fee: quote.fee,
          receive: deliver,
          reference: u.outgoingPayment(payment.id)
        })
        // Roll back everything this transaction did; the payment is marked failed below.
        if (moved === 'insufficient_balance') throw new InsufficientBalance()
        await deps.incomingPayments.receive(tx, target.payment.id, deliver)
        return finish({ state: 'completed', sent: payment.debitAmount - quote.fee })
      })
    } catch (error) {
      if (!(error instanceof InsufficientBalance) || !claimed) throw error
      deps.logger.info({ outgoingPaymentId: claimed }, 'outgoing payment failed: insufficient balance')
      await db
        .update(outgoingPayments)
        .set({ state: 'failed', error: 'insufficient_balance', updatedAt: clock.now() })
        .where(and(eq(outgoingPayments.id, claimed), eq(outgoingPayments.state, 'sending')))
      return true
    }
  }

  return {
    async settleDue(limit = 20) {
      let processed = 0
      while (processed < limit && (await settleNext())) processed++
      return processed
    }
  }
}

class InsufficientBalance extends Error {
  constructor() {
    super('insufficient balance')
  }
}
