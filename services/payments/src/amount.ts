import { formatMinorUnits } from '@voces/platform'
import type { Amount } from '@voces/payments-contract'

/** How amounts leave the API: minor units as a string with asset code and scale, and the decimal form. */
export type AmountView = Amount

export function amountView(value: bigint | null, assetCode: string | null, assetScale: number | null): AmountView | null {
  if (value === null || assetCode === null || assetScale === null) return null
  return { value: value.toString(), assetCode, assetScale, formatted: formatMinorUnits(value, assetScale) }
}
