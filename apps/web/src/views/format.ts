import type { UiLanguage } from '../domain/languages.ts'

// Intl formatters are costly to build: one per language, reused.
const locale = (lang: UiLanguage) => (lang === 'es' ? 'es-MX' : 'en-US')
const dateFormats = {
  es: new Intl.DateTimeFormat(locale('es'), { timeZone: 'UTC', day: 'numeric', month: 'long', year: 'numeric' }),
  en: new Intl.DateTimeFormat(locale('en'), { timeZone: 'UTC', day: 'numeric', month: 'long', year: 'numeric' })
}
const dateTimeFormats = {
  es: new Intl.DateTimeFormat(locale('es'), { timeZone: 'UTC', dateStyle: 'medium', timeStyle: 'short' }),
  en: new Intl.DateTimeFormat(locale('en'), { timeZone: 'UTC', dateStyle: 'medium', timeStyle: 'short' })
}

// Even reused, a format call was 8% of a search page's CPU (bench:web profile, 20 dates a page). A date
// shows only its UTC day, and a page's jobs share few days: remember each day's text, a bounded number.
const DAY_MS = 86_400_000
const MAX_DAYS = 2_000
const dayTexts = { es: new Map<number, string>(), en: new Map<number, string>() }

export function date(d: Date | null | undefined, lang: UiLanguage): string {
  if (!d) return '—'
  const day = Math.floor(d.getTime() / DAY_MS)
  const known = dayTexts[lang]
  let text = known.get(day)
  if (text === undefined) {
    if (known.size >= MAX_DAYS) known.clear()
    text = dateFormats[lang].format(d)
    known.set(day, text)
  }
  return text
}

export function dateTime(d: Date | null | undefined, lang: UiLanguage): string {
  return d ? `${dateTimeFormats[lang].format(d)} UTC` : '—'
}
