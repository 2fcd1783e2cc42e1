import i18next, { type TFunction } from 'i18next'
import es from './es.json' with { type: 'json' }
import en from './en.json' with { type: 'json' }
import { UI_LANGUAGES, type UiLanguage } from '../domain/languages.ts'

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
const plain = new Map<UiLanguage, Map<string, string>>()
for (const lang of UI_LANGUAGES) {
  fixed.set(lang, instance.getFixedT(lang))
  plain.set(lang, new Map())
}

/**
 * The translator for one language. Keys without interpolation are looked up once and remembered:
 * a page asks for a few hundred labels, and i18next's lookup showed up first in the browse profile.
 */
export function translator(lang: UiLanguage): T {
  const t = fixed.get(lang) ?? fixed.get('es')!
  const cache = plain.get(lang) ?? plain.get('es')!
  return (key, options) => {
    if (options) return t(key, options) as string
    let text = cache.get(key)
    if (text === undefined) {
      text = t(key) as string
      cache.set(key, text)
    }
    return text
  }
}

export const locales = { es, en }
