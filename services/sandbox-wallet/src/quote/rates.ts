/**
 * Fixed exchange rates of the sandbox, as exact fractions of one US dollar per whole unit,
 * so every conversion is integer arithmetic on minor units.
 */
export const SUPPORTED_ASSETS: Record<string, { scale: number; usdNumerator: bigint; usdDenominator: bigint }> = {
  USD: { scale: 2, usdNumerator: 1n, usdDenominator: 1n },
  MXN: { scale: 2, usdNumerator: 1n, usdDenominator: 20n }, // 20 MXN = 1 USD
  EUR: { scale: 2, usdNumerator: 108n, usdDenominator: 100n } // 1 EUR = 1.08 USD
}

type Rounding = 'down' | 'up'

/** Converts minor units between assets at the fixed rates, rounding as asked (never a float). */
export function convert(value: bigint, from: string, to: string, rounding: Rounding): bigint {
  const a = SUPPORTED_ASSETS[from]
  const b = SUPPORTED_ASSETS[to]
  if (!a || !b) throw new Error(`Unsupported asset pair ${from}/${to}`)
  // value / 10^sa * (na/da) / (nb/db) * 10^sb
  const numerator = value * a.usdNumerator * b.usdDenominator * 10n ** BigInt(b.scale)
  const denominator = 10n ** BigInt(a.scale) * a.usdDenominator * b.usdNumerator
  return divide(numerator, denominator, rounding)
}

export function divide(numerator: bigint, denominator: bigint, rounding: Rounding): bigint {
  const quotient = numerator / denominator
  return rounding === 'up' && quotient * denominator < numerator ? quotient + 1n : quotient
}

export interface SendingFee {
  /** Minor units of the sender's asset. */
  fixed: bigint
  basisPoints: number
}

/**
 * Rafiki's `Fee.calculate(principal)` (packages/backend/src/fee/model.ts): the basis-point part
 * rounded up, plus the fixed part. Integer arithmetic where Rafiki uses a float; same results.
 */
export const feeOn = (principal: bigint, fee: SendingFee): bigint =>
  divide(principal * BigInt(fee.basisPoints), 10_000n, 'up') + fee.fixed

/**
 * The smallest debit amount that still delivers something once the fee is taken, as Rafiki's
 * `calculateMinSendAmount` (open_payments/quote/service.ts) reports it in a refusal's details.
 */
export function minSendAmount(from: string, to: string, fee: SendingFee): bigint {
  // Smallest source amount that converts to one minor unit of the destination asset.
  let minimum = convert(1n, to, from, 'up')
  if (minimum < 1n) minimum = 1n
  const kept = 10_000n - BigInt(Math.min(fee.basisPoints, 9_999))
  return divide((minimum + fee.fixed) * 10_000n, kept, 'up')
}
