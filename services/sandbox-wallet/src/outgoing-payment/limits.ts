import { and, desc, eq, gte, lt, ne, sum } from 'drizzle-orm'
import type { Db, Tx } from '@voces/platform'
import { grants, outgoingPayments, quotes } from '../db/schema.ts'
import { fail, type Failure } from '../http/errors.ts'
import type { AccessItem, AmountJson } from '../grant/model.ts'
import type { Quote } from '../quote/service.ts'
import { currentWindow } from './interval.ts'

type Limits = NonNullable<Extract<AccessItem, { type: 'outgoing-payment' }>['limits']>

export interface Spent {
  debit: bigint
  receive: bigint
}

const NOTHING: Spent = { debit: 0n, receive: 0n }

/** What a grant has spent, in a window or ever: failed payments moved nothing and count for nothing. */
async function spentUnder(tx: Db | Tx, grantId: string, window: { start: Date; end: Date } | undefined): Promise<Spent> {
  const [row] = await tx
    .select({ debit: sum(outgoingPayments.debitAmount), receive: sum(outgoingPayments.receiveAmount) })
    .from(outgoingPayments)
    .where(
      and(
        eq(outgoingPayments.grantId, grantId),
        ne(outgoingPayments.state, 'failed'),
        window ? gte(outgoingPayments.createdAt, window.start) : undefined,
        window ? lt(outgoingPayments.createdAt, window.end) : undefined
      )
    )
  return { debit: BigInt(row?.debit ?? 0), receive: BigInt(row?.receive ?? 0) }
}

/**
 * Rafiki's `validateGrantAndAddSpentAmountsToPayment` (open_payments/payment/outgoing/service.ts):
 * receiver, assets and interval first, then amounts against what the grant spent before, with the
 * grant row locked so that concurrent payments cannot overspend it. Answers the amounts spent
 * *before* this payment, which Rafiki returns as `grantSpentDebitAmount`/`grantSpentReceiveAmount`.
 */
export async function checkGrantLimits(
  tx: Tx,
  input: { grantId: string; limits: Limits | undefined; quote: Quote; now: Date }
): Promise<Spent | Failure> {
  const { grantId, limits, quote, now } = input
  if (!limits) return NOTHING
  if (limits.receiver && limits.receiver !== quote.receiver) return fail('grant_limit_exceeded', 'receiver is not the one the grant allows')
  const { debitAmount: debitLimit, receiveAmount: receiveLimit } = limits
  if (debitLimit && (debitLimit.assetCode !== quote.debitAssetCode || debitLimit.assetScale !== quote.debitAssetScale)) {
    return fail('grant_limit_exceeded', 'debit asset differs from the grant')
  }
  if (receiveLimit && (receiveLimit.assetCode !== quote.receiveAssetCode || receiveLimit.assetScale !== quote.receiveAssetScale)) {
    return fail('grant_limit_exceeded', 'receive asset differs from the grant')
  }
  const window = limits.interval ? currentWindow(limits.interval, now) : undefined
  if (limits.interval && !window) return fail('grant_limit_exceeded', 'outside the grant interval')
  if (!debitLimit && !receiveLimit) return NOTHING
  if ((debitLimit && BigInt(debitLimit.value) < quote.debitAmount) || (receiveLimit && BigInt(receiveLimit.value) < quote.receiveAmount)) {
    return fail('grant_limit_exceeded', 'the payment alone exceeds the grant limit')
  }
  await tx.select({ id: grants.id }).from(grants).where(eq(grants.id, grantId)).for('update')
  const before = await spentUnder(tx, grantId, window)
  if (
    (debitLimit && BigInt(debitLimit.value) - before.debit < quote.debitAmount) ||
    (receiveLimit && BigInt(receiveLimit.value) - before.receive < quote.receiveAmount)
  ) {
    return fail('grant_limit_exceeded', 'the grant limit is spent')
  }
  return before
}

/**
 * `GET /outgoing-payment-grant` as Rafiki's `getGrantSpentAmounts` answers it: both totals, for the
 * current interval when the grant has one, in the assets of the grant's latest payment; both null
 * when the grant has paid nothing yet or the interval is not running.
 */
export async function grantSpentAmounts(
  db: Db,
  input: { grantId: string; limits: Limits | undefined; now: Date }
): Promise<{ spentDebitAmount: AmountJson | null; spentReceiveAmount: AmountJson | null }> {
  const none = { spentDebitAmount: null, spentReceiveAmount: null }
  const window = input.limits?.interval ? currentWindow(input.limits.interval, input.now) : undefined
  if (input.limits?.interval && !window) return none
  const [latest] = await db
    .select({ quote: quotes })
    .from(outgoingPayments)
    .innerJoin(quotes, eq(quotes.id, outgoingPayments.quoteId))
    .where(eq(outgoingPayments.grantId, input.grantId))
    .orderBy(desc(outgoingPayments.createdAt))
    .limit(1)
  if (!latest) return none
  const spent = await spentUnder(db, input.grantId, window)
  const { quote } = latest
  return {
    spentDebitAmount: { value: spent.debit.toString(), assetCode: quote.debitAssetCode, assetScale: quote.debitAssetScale },
    spentReceiveAmount: { value: spent.receive.toString(), assetCode: quote.receiveAssetCode, assetScale: quote.receiveAssetScale }
  }
}
