/** The languages people record and are paid for; Spanish and English are also the interface's. */
export const LANGUAGES = ['ot', 'nah', 'maz', 'qu', 'es', 'en'] as const
export type Language = (typeof LANGUAGES)[number]
export const UI_LANGUAGES = ['es', 'en'] as const
export type UiLanguage = (typeof UI_LANGUAGES)[number]

export function isLanguage(value: unknown): value is Language {
  return typeof value === 'string' && (LANGUAGES as readonly string[]).includes(value)
}

export function isUiLanguage(value: unknown): value is UiLanguage {
  return typeof value === 'string' && (UI_LANGUAGES as readonly string[]).includes(value)
}

/** Our language codes as HTML `lang` values: Otomi's is the ISO 639-2 collective code. */
const BCP47: Partial<Record<Language, string>> = { ot: 'oto' }

export function htmlLang(language: Language): string {
  return BCP47[language] ?? language
}
