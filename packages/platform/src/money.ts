/**
 * Money is a bigint count of minor units with the asset's code and scale: never a float.
 * Open Payments carries values as strings of integer minor units.
 */
export interface Amount {
  value: bigint
  assetCode: string
  assetScale: number
}

/** The JSON form Open Payments uses: value as a string of integer minor units. */
export interface AmountJson {
  value: string
  assetCode: string
  assetScale: number
}

export type AmountParseError = 'invalid_format' | 'too_many_decimals' | 'not_positive' | 'too_large'

/** Largest value accepted anywhere: an unsigned 64-bit integer, as Open Payments ledgers use. */
export const MAX_MINOR_UNITS = 2n ** 64n - 1n

const DECIMAL = /^(\d{1,30})(?:\.(\d{1,30}))?$/

/**
 * Parses a decimal string ("12.50") exactly into minor units at the given scale.
 * Refuses anything with more decimals than the scale allows, zero, negatives, and absurd sizes.
 */
export function parseDecimalAmount(input: string, assetScale: number): bigint | AmountParseError {
  const match = DECIMAL.exec(input.trim())
  if (!match) return 'invalid_format'
  const whole = match[1]!
  const fraction = (match[2] ?? '').replace(/0+$/, '')
  if (fraction.length > assetScale) return 'too_many_decimals'
  const value = BigInt(whole) * 10n ** BigInt(assetScale) + BigInt(fraction.padEnd(assetScale, '0') || '0')
  if (value <= 0n) return 'not_positive'
  if (value > MAX_MINOR_UNITS) return 'too_large'
  return value
}

/** Formats minor units as a decimal string with exactly `assetScale` decimals: 1250n, 2 → "12.50". */
export function formatMinorUnits(value: bigint, assetScale: number): string {
  const negative = value < 0n
  const digits = (negative ? -value : value).toString().padStart(assetScale + 1, '0')
  const whole = assetScale === 0 ? digits : digits.slice(0, -assetScale)
  const fraction = assetScale === 0 ? '' : `.${digits.slice(-assetScale)}`
  return `${negative ? '-' : ''}${whole}${fraction}`
}

export function toAmountJson(amount: Amount): AmountJson {
  return { value: amount.value.toString(), assetCode: amount.assetCode, assetScale: amount.assetScale }
}

/** Parses an Open Payments amount; throws on a value that is not a string of digits. */
export function fromAmountJson(amount: AmountJson): Amount {
  if (!/^\d+$/.test(amount.value)) throw new Error(`Invalid minor-unit value: ${amount.value}`)
  return { value: BigInt(amount.value), assetCode: amount.assetCode, assetScale: amount.assetScale }
}
