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

/** The fee kept on a debit amount, in basis points, rounded up (at least 1 minor unit when bps > 0). */
export const feeOn = (debit: bigint, basisPoints: number): bigint => divide(debit * BigInt(basisPoints), 10_000n, 'up')
