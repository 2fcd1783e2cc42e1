import { expect, test } from 'vitest'
import { consentLanguage } from './language.ts'

test('the switch wins, then Accept-Language by quality, then English', () => {
  expect(consentLanguage('es', 'en-US')).toBe('es')
  expect(consentLanguage('en', 'es-MX')).toBe('en')
  expect(consentLanguage(undefined, 'es-MX,es;q=0.9,en;q=0.8')).toBe('es')
  expect(consentLanguage(undefined, 'fr-FR,en;q=0.5,es;q=0.7')).toBe('es')
  expect(consentLanguage(undefined, 'en-GB,es;q=0.3')).toBe('en')
  expect(consentLanguage(undefined, 'es;q=0,en;q=0.1')).toBe('en')
  expect(consentLanguage('fr', 'nah')).toBe('en')
  expect(consentLanguage(undefined, undefined)).toBe('en')
})
