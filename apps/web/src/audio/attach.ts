import type { FastifyRequest } from 'fastify'
import type { AudioService, Heard } from './service.ts'
import { AUDIO_LANG_COOKIE, audioChain } from './chain.ts'
import type { Language } from '../users/model.ts'

declare module 'fastify' {
  interface FastifyInstance {
    audio: AudioService
  }
}

/**
 * The speaker buttons exactly as views/speak.tsx renders them. Pages are rendered first, then this
 * pass collects every target they name and resolves them all with one lookup (AudioService.resolve:
 * the cache, else one query), instead of one query per speaker as the prototype did.
 */
const SPEAKER = /<button type="button" class="speak" data-speak="([^"]*)" aria-label="([^"]*)"><span aria-hidden="true">🔊<\/span><\/button>/g

/** Our language codes as HTML `lang` values: Otomi's is the ISO 639-2 collective code. */
const BCP47: Partial<Record<Language, string>> = { ot: 'oto' }

export function speakerTargets(html: string): string[] {
  return [...html.matchAll(SPEAKER)].map((m) => unescapeAttr(m[1]!))
}

/**
 * Where a recording exists the speaker becomes a plain link to it (works without JavaScript; app.js
 * plays it in place); elsewhere it stays a button that app.js answers with speech synthesis.
 */
export function withRecordings(html: string, heard: Map<string, Heard>, languageName: (l: Language) => string): string {
  if (heard.size === 0) return html
  return html.replace(SPEAKER, (button, slug: string, label: string) => {
    const h = heard.get(unescapeAttr(slug))
    if (!h) return button
    const src = `/audio/clips/${h.clipId}`
    return (
      `<a class="speak" href="${src}" data-speak="${slug}" data-audio-src="${src}" data-audio-lang="${h.language}" ` +
      `lang="${BCP47[h.language] ?? h.language}" aria-label="${label} (${escapeAttr(languageName(h.language))})"><span aria-hidden="true">🔊</span></a>`
    )
  })
}

/** The audio chain of the person making this request (chosen audio language cookie, profile, interface). */
export function requestChain(req: FastifyRequest): Language[] {
  return audioChain({ chosen: req.cookies[AUDIO_LANG_COOKIE], user: req.user, uiLanguage: req.lang })
}

/** Fills in the recordings of a rendered page for this request. */
export async function attachAudio(req: FastifyRequest, html: string, languageName: (l: Language) => string): Promise<string> {
  const targets = speakerTargets(html)
  if (targets.length === 0) return html
  try {
    const heard = await req.server.audio.resolve(targets, requestChain(req))
    return withRecordings(html, heard, languageName)
  } catch (err) {
    // The page matters more than its recordings: without them every speaker still uses speech synthesis.
    req.log.warn({ err }, 'audio lookup failed; page served without recordings')
    return html
  }
}

function unescapeAttr(s: string): string {
  return s.replace(/&quot;|&#34;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&')
}

function escapeAttr(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
}
