/**
 * Usernames in any language's letters ("josé", "xochitl", "ñuu_savi", "Ñäñho", "李小龙"), as people write them,
 * but never one that can pass for another. The rule (a small subset of Unicode TR39, no table to keep):
 * - NFC-normalised and lower-cased, so "José" typed as e+◌́ or as é, in any case, is one name;
 * - 3 to 32 letters (with their combining marks), ASCII digits or `_`; nothing invisible, no symbols,
 *   no other digits (٣ looks like 3 with a different value);
 * - letters of ONE script only (mixed scripts are how "pаypal" with a Cyrillic а impersonates);
 * - not a whole-script look-alike: a Cyrillic or Greek name written only with letters that look like
 *   Latin ones ("асе", "рор") is refused, since it passes for the Latin name.
 */
const SHAPE = /^[\p{L}\p{M}0-9_]{3,32}$/u
const SCRIPTS = ['Latin', 'Cyrillic', 'Greek', 'Armenian', 'Hebrew', 'Arabic', 'Devanagari', 'Bengali', 'Tamil', 'Thai', 'Georgian', 'Hangul', 'Ethiopic', 'Cherokee', 'Canadian_Aboriginal']
const scriptOf = SCRIPTS.map((name) => ({ name, re: new RegExp(`\\p{Script=${name}}`, 'u') }))
// Han, Hiragana and Katakana are written together in Japanese: one "script" for this rule.
const CJK = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Bopomofo}]/u
const LATIN_LOOKALIKES = /^[аеорсухіјѕԁһӏԛԝαορνικτυεχ0-9_]+$/u

export type UsernameProblem = 'invalid_username' | 'username_confusable'

export function normaliseUsername(input: string): string {
  return input.trim().normalize('NFC').toLowerCase().normalize('NFC')
}

export function checkUsername(username: string): UsernameProblem | null {
  if (!SHAPE.test(username)) return 'invalid_username'
  const scripts = new Set<string>()
  for (const ch of username) {
    if (/[0-9_]|\p{M}/u.test(ch)) continue
    if (CJK.test(ch)) {
      scripts.add('CJK')
      continue
    }
    const found = scriptOf.find((s) => s.re.test(ch))
    // A letter of a script not listed is allowed, but counted as its own script.
    scripts.add(found ? found.name : `other:${ch.codePointAt(0)! >> 7}`)
  }
  if (scripts.size > 1) return 'username_confusable'
  if ((scripts.has('Cyrillic') || scripts.has('Greek')) && LATIN_LOOKALIKES.test(username)) return 'username_confusable'
  return null
}
