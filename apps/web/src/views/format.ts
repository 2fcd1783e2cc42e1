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

export function date(d: Date | null | undefined, lang: UiLanguage): string {
  return d ? dateFormats[lang].format(d) : '—'
}

export function dateTime(d: Date | null | undefined, lang: UiLanguage): string {
  return d ? `${dateTimeFormats[lang].format(d)} UTC` : '—'
}
