import i18next, { type TFunction } from 'i18next'
import es from './es.json' with { type: 'json' }
import en from './en.json' with { type: 'json' }
import { UI_LANGUAGES, type UiLanguage } from '../users/model.ts'

export type T = (key: string, options?: Record<string, unknown>) => string

const instance = i18next.createInstance()
void instance.init({
  resources: { es: { translation: es }, en: { translation: en } },
  lng: 'es',
  fallbackLng: 'es',
  initAsync: false,
  // Views escape every string themselves (kitajs `safe`), so i18next must not escape twice.
  interpolation: { escapeValue: false },
  returnNull: false,
  showSupportNotice: false
})

const fixed = new Map<UiLanguage, TFunction>()
for (const lang of UI_LANGUAGES) fixed.set(lang, instance.getFixedT(lang))

export function translator(lang: UiLanguage): T {
  const t = fixed.get(lang) ?? fixed.get('es')!
  return (key, options) => t(key, options ?? {}) as string
}

export function isUiLanguage(value: unknown): value is UiLanguage {
  return typeof value === 'string' && (UI_LANGUAGES as readonly string[]).includes(value)
}

export const locales = { es, en }
