import type { UiLanguage } from '../domain/languages.ts'
import { DEFAULT_TIME_ZONE } from '../domain/time-zones.ts'
import { locale } from '../domain/money.ts'

/** Who reads a time: their language and the time zone they chose (profile; America/Mexico_City by default). */
export interface Reader {
  lang: UiLanguage
  timeZone?: string | undefined
}

// Intl formatters are costly to build: one per language, zone and style, reused.
const formats = new Map<string, Intl.DateTimeFormat>()
function format(kind: 'date' | 'dateTime' | 'zone', r: Reader): Intl.DateTimeFormat {
  const timeZone = r.timeZone ?? DEFAULT_TIME_ZONE
  const key = `${kind}|${r.lang}|${timeZone}`
  let f = formats.get(key)
  if (!f) {
    const style: Intl.DateTimeFormatOptions =
      kind === 'date' ? { day: 'numeric', month: 'long', year: 'numeric' } : kind === 'zone' ? { timeZoneName: 'short' } : { dateStyle: 'medium', timeStyle: 'short' }
    f = new Intl.DateTimeFormat(locale(r.lang), { timeZone, ...style })
    formats.set(key, f)
  }
  return f
}

/** A day as the reader's calendar shows it (a deadline at 23:59:59 UTC may be the same day or the next). */
export function date(d: Date | null | undefined, r: Reader): string {
  return d ? format('date', r).format(d) : '—'
}

/** A moment in the reader's time zone, with the zone's short name ("27 nov 2026, 7:05 a.m. CST"). */
export function dateTime(d: Date | null | undefined, r: Reader): string {
  if (!d) return '—'
  const zone = format('zone', r)
    .formatToParts(d)
    .find((p) => p.type === 'timeZoneName')?.value
  return `${format('dateTime', r).format(d)}${zone ? ` ${zone}` : ''}`
}
