import { randomUUID } from 'node:crypto'
import { eq } from 'drizzle-orm'
import { fail, isFailure, type Failure, PayoutError } from '../errors.ts'
import type { ConsentRow, Finisher } from '../consent/model.ts'
import { parseAmount } from '../input.ts'
import type { PayoutDeps } from './deps.ts'
import { createPayoutGrantFinisher } from './finish-grant.ts'
import { activePayoutGrant } from './standing-grant.ts'
import { startPayoutGrant, type StartPayoutGrantInput } from './start-grant.ts'
import { createPayoutSteps } from './steps.ts'
import { quotePayoutFee, type PayoutFeeQuote } from './quote-fee.ts'
import { claimDuePayouts } from './store.ts'
import { payouts, type PayoutFixed, type PayoutGrantRow, type PayoutRow } from './model.ts'

export interface CreatePayoutInput {
  sellerId: string
  receiverWalletAddressUrl: string
  amount: string
  fixed: PayoutFixed
  reference: string
}

export interface PayoutService {
  /** Asks the escrow wallet's owner for the standing grant; the consent holds the URL to send them to. */
  startGrant(input: StartPayoutGrantInput): Promise<{ grant: PayoutGrantRow; consent: ConsentRow | undefined } | Failure>
  /** What the finish route hands a payout grant's consent redirects to. */
  grantFinisher: Finisher
  /** Pays from escrow under the standing grant. The same reference never pays twice. */
  create(input: CreatePayoutInput): Promise<{ payout: PayoutRow; created: boolean } | Failure>
  get(id: string): Promise<PayoutRow | Failure>
  /** Checks a sent payout's money now (an operator's "check again"); returns it as it then stands. */
  reconcile(id: string): Promise<PayoutRow | Failure>
  processDue(): Promise<number>
  /** What a payout of `amount` (fixed receive or send) would cost the seller's escrow in fees now (quote-fee.ts). */
  quoteFee(sellerId: string, amount: string, fixed: PayoutFixed): Promise<PayoutFeeQuote | Failure>
}

export function createPayoutService(deps: PayoutDeps): PayoutService {
  const steps = createPayoutSteps(deps)
  return {
    async startGrant(input) {
      const grant = await startPayoutGrant(deps, input)
      if (isFailure(grant)) return grant
      return { grant, consent: grant.consentId ? await deps.consents.find(grant.consentId) : undefined }
    },
    grantFinisher: createPayoutGrantFinisher(deps),

    async create(input) {
      const seller = await deps.sellers.get(input.sellerId)
      if (isFailure(seller)) return seller
      const wallet = await deps.openPayments.walletAddress(seller.walletAddressUrl, 'seller_wallet_address')
      if (isFailure(wallet)) return wallet
      const value = parseAmount(input.amount, wallet)
      if (isFailure(value)) return value
      const receiverWalletAddressUrl = input.receiverWalletAddressUrl.replace(/\/+$/, '')

      const [existing] = await deps.db.select().from(payouts).where(eq(payouts.reference, input.reference))
      if (existing) return sameOrConflict(existing, { ...input, receiverWalletAddressUrl }, value)
      const grant = await activePayoutGrant(deps, seller.id)
      if (isFailure(grant)) return grant

      const [inserted] = await deps.db
        .insert(payouts)
        .values({
          id: randomUUID(),
          reference: input.reference,
          sellerId: seller.id,
          grantId: grant.id,
          receiverWalletAddressUrl,
          state: 'pending',
          fixed: input.fixed,
          amountValue: value,
          assetCode: wallet.assetCode,
          assetScale: wallet.assetScale,
          // Leased to this request; the worker takes over if it stops half-way.
          nextAttemptAt: new Date(deps.clock.now().getTime() + deps.config.worker.leaseMs)
        })
        .onConflictDoNothing()
        .returning()
      if (!inserted) {
        const [raced] = await deps.db.select().from(payouts).where(eq(payouts.reference, input.reference))
        return sameOrConflict(raced!, { ...input, receiverWalletAddressUrl }, value)
      }
      deps.logger.info({ payoutId: inserted.id, reference: input.reference, sellerId: seller.id }, 'payout requested')
      const advanced = await steps.advance(inserted)
      return { payout: advanced ?? (await deps.db.select().from(payouts).where(eq(payouts.id, inserted.id)))[0]!, created: true }
    },

    async get(id) {
      const [row] = await deps.db.select().from(payouts).where(eq(payouts.id, id))
      return row ?? fail(PayoutError.UnknownPayout, `No payout with id ${id}`)
    },

    async reconcile(id) {
      const payout = await this.get(id)
      if (isFailure(payout) || (payout.state !== 'sending' && payout.state !== 'needs_review')) return payout
      deps.logger.info({ payoutId: id, state: payout.state }, 'payout reconciliation requested')
      return (await steps.settle(payout)) ?? (await this.get(id))
    },

    quoteFee: (sellerId, amount, fixed) => quotePayoutFee(deps, sellerId, amount, fixed),

    async processDue() {
      const due = await claimDuePayouts(deps, 10)
      await Promise.all(
        due.map((p) =>
          steps.advance(p).catch((error: unknown) => deps.logger.error({ err: error, payoutId: p.id }, 'payout step crashed; retried after the lease'))
        )
      )
      return due.length
    }
  }
}

function sameOrConflict(existing: PayoutRow, input: CreatePayoutInput, value: bigint): { payout: PayoutRow; created: boolean } | Failure {
  const same = existing.sellerId === input.sellerId && existing.receiverWalletAddressUrl === input.receiverWalletAddressUrl && existing.amountValue === value && existing.fixed === input.fixed
  if (!same) return fail(PayoutError.ReferenceConflict, `The reference ${input.reference} was already used for a different payout`)
  return { payout: existing, created: false }
}
