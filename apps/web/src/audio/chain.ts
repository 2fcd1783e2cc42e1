import { isLanguage, type Language, type UiLanguage } from '../domain/languages.ts'
import type { User } from '../domain/user.ts'

export const AUDIO_LANG_COOKIE = 'audio_lang'

/**
 * The languages a person hears, best first: the audio language they chose, then the languages
 * they speak (profile), then the interface language, then Spanish, then English.
 */
export function audioChain(input: { chosen?: unknown; user: User | null; uiLanguage: UiLanguage }): Language[] {
  const chain: Language[] = []
  const add = (l: unknown) => {
    if (isLanguage(l) && !chain.includes(l)) chain.push(l)
  }
  add(input.chosen)
  for (const l of input.user?.nativeLanguages ?? []) add(l)
  add(input.uiLanguage)
  add('es')
  add('en')
  return chain
}

/** Targets are UI slugs (`nav.jobs`) or object fields (`job.<uuid>.title`): a short, plain identifier. */
export function isTarget(value: unknown): value is string {
  return typeof value === 'string' && /^[a-z0-9][a-z0-9_.:-]{0,119}$/i.test(value)
}

const FIELD = /^job\.([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\.(title|description)$/

/** `job.<id>.title` → {jobId, field}; null for UI slugs. */
export function fieldTarget(target: string): { jobId: string; field: 'title' | 'description' } | null {
  const m = FIELD.exec(target)
  return m ? { jobId: m[1]!, field: m[2] as 'title' | 'description' } : null
}
