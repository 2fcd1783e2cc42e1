import type { User } from '../domain/user.ts'
import type { Language, UiLanguage } from '../domain/languages.ts'
import type { T } from '../i18n/index.ts'

/** What a speaker button plays: a community recording of its words, in one language. */
export interface Recording {
  clipId: string
  language: Language
}

/**
 * Looks up the recording of one speaker's target for this request (its listener's languages). The
 * lookups of one page are answered together, so a page costs one query however many speakers it has.
 */
export type Recordings = (target: string) => Promise<Recording | undefined>

/**
 * What every view needs: the translator, who is looking, the CSRF token for its forms, and the
 * recordings behind its speaker buttons. http/context.ts builds it from the request.
 */
export interface ViewCtx {
  t: T
  lang: UiLanguage
  /** The IANA zone times are shown in: the person's choice, else America/Mexico_City (views/format.ts). */
  timeZone: string
  user: User | null
  /** The signed-in user's unread notices, shown in the header. */
  unreadNotices: number
  csrf: string
  path: string
  recordings: Recordings
}
