import { formatMinorUnits } from '@voces/platform'

/** An amount as pages show it: decimal at the asset's scale, then the asset code ("12.50 MXN"). */
export function money(value: bigint, assetCode: string, assetScale: number): string {
  return `${formatMinorUnits(value, assetScale)} ${assetCode}`
}
