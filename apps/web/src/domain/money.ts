import { formatMinorUnits } from '@voces/platform'
import type { UiLanguage } from './languages.ts'

/** The locale a language's numbers and dates are written in (the market is Mexico's). */
export const locale = (lang: UiLanguage): string => (lang === 'es' ? 'es-MX' : 'en-US')

// Intl formatters are costly to build: one per language, asset and scale, reused.
const formatters = new Map<string, Intl.NumberFormat | null>()
const known = new Set<string>(Intl.supportedValuesOf('currency'))
// ECMA-402 now allows up to 100 fraction digits, but Node 20's V8 still refuses more than 20
// (RangeError): probed once, so a wallet at scale 21..255 gets the plain decimal instead of a 500.
const MAX_INTL_SCALE = maxFractionDigits()

function maxFractionDigits(): number {
  try {
    new Intl.NumberFormat('en-US', { minimumFractionDigits: 100, maximumFractionDigits: 100 })
    return 100
  } catch {
    return 20
  }
}

function formatter(lang: UiLanguage, assetCode: string, assetScale: number): Intl.NumberFormat | null {
  const key = `${lang}|${assetCode}|${assetScale}`
  let f = formatters.get(key)
  if (f === undefined) {
    const digits = { minimumFractionDigits: assetScale, maximumFractionDigits: assetScale }
    f =
      assetScale > MAX_INTL_SCALE
        ? null
        : known.has(assetCode)
          ? new Intl.NumberFormat(locale(lang), { style: 'currency', currency: assetCode, currencyDisplay: 'narrowSymbol', ...digits })
          : // A code Intl does not know (XRP, a test asset): the number alone, the code follows.
            new Intl.NumberFormat(locale(lang), digits)
    formatters.set(key, f)
  }
  return f
}

/**
 * An amount as people read money, in their language: "$1,234.50 MXN", "€15.00 EUR", "1,234.500 XRP".
 * The number is written by Intl from the exact decimal string of the bigint (Intl.NumberFormat reads a
 * string as an exact decimal, never through a float), at the asset's scale; the code always follows, so
 * "$" is never ambiguous. The one function every page, notice and email uses to show money.
 */
export function money(value: bigint, assetCode: string, assetScale: number, lang: UiLanguage): string {
  const decimal = formatMinorUnits(value, assetScale)
  const f = formatter(lang, assetCode, assetScale)
  // The ES2023 typings do not list strings yet; Node 20 formats them exactly (Intl.NumberFormat v3).
  return `${f ? f.format(decimal as unknown as number) : decimal} ${assetCode}`
}
