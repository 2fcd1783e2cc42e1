/**
 * The time zones a person may read times in (profile). A short list of where the people of this
 * market live rather than all ~400 IANA zones: a select a person can actually read on a phone.
 */
export const TIME_ZONES = [
  'America/Mexico_City',
  'America/Cancun',
  'America/Merida',
  'America/Monterrey',
  'America/Chihuahua',
  'America/Mazatlan',
  'America/Hermosillo',
  'America/Tijuana',
  'America/Guatemala',
  'America/El_Salvador',
  'America/Tegucigalpa',
  'America/Bogota',
  'America/Lima',
  'America/La_Paz',
  'America/Santiago',
  'America/Argentina/Buenos_Aires',
  'America/Los_Angeles',
  'America/Denver',
  'America/Chicago',
  'America/New_York',
  'Europe/Madrid',
  'UTC'
] as const
export type TimeZone = (typeof TIME_ZONES)[number]
export const DEFAULT_TIME_ZONE: TimeZone = 'America/Mexico_City'

export function isTimeZone(z: string): z is TimeZone {
  return (TIME_ZONES as readonly string[]).includes(z)
}
