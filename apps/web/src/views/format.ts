import { formatMinorUnits } from '@voces/platform'
import type { UiLanguage } from '../users/model.ts'

export function money(value: bigint, assetCode: string, assetScale: number): string {
  return `${formatMinorUnits(value, assetScale)} ${assetCode}`
}

export function date(d: Date | null | undefined, lang: UiLanguage): string {
  if (!d) return '—'
  return d.toLocaleDateString(lang === 'es' ? 'es-MX' : 'en-US', { timeZone: 'UTC', day: 'numeric', month: 'long', year: 'numeric' })
}

export function dateTime(d: Date | null | undefined, lang: UiLanguage): string {
  if (!d) return '—'
  return d.toLocaleString(lang === 'es' ? 'es-MX' : 'en-US', { timeZone: 'UTC', dateStyle: 'medium', timeStyle: 'short' }) + ' UTC'
}
