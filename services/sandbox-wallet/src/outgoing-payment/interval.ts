/**
 * The current window of an ISO 8601 repeating interval as grant limits use it
 * (`R/2025-01-01T00:00:00Z/P1M`, `R12/…/P1W`): spending limits reset at each repetition.
 * Returns undefined when `now` is outside every repetition.
 */
export function currentWindow(interval: string, now = new Date()): { start: Date; end: Date } | undefined {
  const match = /^R(\d*)\/([^/]+)\/(P[^/]+)$/.exec(interval)
  if (!match) return undefined
  const repetitions = match[1] === '' ? Infinity : Number(match[1]) + 1
  let start = new Date(match[2]!)
  const duration = parseDuration(match[3]!)
  if (Number.isNaN(start.getTime()) || !duration || now < start) return undefined
  for (let i = 0; i < Math.min(repetitions, 100_000); i++) {
    const end = addDuration(start, duration)
    if (end <= start) return undefined
    if (now < end) return { start, end }
    start = end
  }
  return undefined
}

interface Duration {
  years: number
  months: number
  weeks: number
  days: number
  hours: number
  minutes: number
  seconds: number
}

export function parseDuration(text: string): Duration | undefined {
  const m = /^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$/.exec(text)
  if (!m || text === 'P' || text.endsWith('T')) return undefined
  const n = (i: number) => Number(m[i] ?? 0)
  return { years: n(1), months: n(2), weeks: n(3), days: n(4), hours: n(5), minutes: n(6), seconds: n(7) }
}

function addDuration(date: Date, d: Duration): Date {
  const next = new Date(date)
  next.setUTCFullYear(next.getUTCFullYear() + d.years, next.getUTCMonth() + d.months, next.getUTCDate() + d.weeks * 7 + d.days)
  next.setUTCHours(next.getUTCHours() + d.hours, next.getUTCMinutes() + d.minutes, next.getUTCSeconds() + d.seconds)
  return next
}
