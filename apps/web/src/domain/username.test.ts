import { describe, expect, test } from 'vitest'
import { checkUsername, normaliseUsername } from './username.ts'
import { speechText } from '../views/speak.tsx'

describe('usernames in any language, never a look-alike', () => {
  test.each(['josé', 'xochitl_2', 'ñuu_savi', '李小龙', 'наталья', 'ελένη', 'محمد'])('%s is accepted', (name) => {
    expect(checkUsername(normaliseUsername(name))).toBeNull()
  })
  test('NFC and case: "José" typed with a combining accent and in capitals is one name', () => {
    expect(normaliseUsername('JOSE\u0301')).toBe('josé')
    expect(normaliseUsername('José')).toBe('josé')
  })
  test.each([
    ['pаypal', 'username_confusable'], // Cyrillic а among Latin letters
    ['асе', 'username_confusable'], // all Cyrillic, looks like Latin "ace"
    ['ab', 'invalid_username'],
    ['has space', 'invalid_username'],
    ['a\u200bdmin', 'invalid_username'], // invisible
    ['٣٣٣abc', 'invalid_username'], // digits that look like others
    ['x'.repeat(33), 'invalid_username']
  ])('%s is refused (%s)', (name, problem) => {
    expect(checkUsername(normaliseUsername(name))).toBe(problem)
  })
})

describe('speech is given words only', () => {
  test('emoji, symbols and joiners are dropped, words and numbers kept', () => {
    expect(speechText('🎙️ Trabajo pendiente')).toBe('Trabajo pendiente')
    expect(speechText('Grabar · o pedir → 👩‍👩‍👧')).toBe('Grabar o pedir')
    expect(speechText('Como máximo 100 caracteres.')).toBe('Como máximo 100 caracteres.')
  })
})
