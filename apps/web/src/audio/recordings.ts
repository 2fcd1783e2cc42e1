import type { FastifyRequest } from 'fastify'
import type { Recording, Recordings } from '../views/context.ts'
import type { Language } from '../domain/languages.ts'
import type { AudioService } from './service.ts'
import { AUDIO_LANG_COOKIE, audioChain } from './chain.ts'

/** The audio chain of the person making this request (chosen audio language cookie, profile, interface). */
export function requestChain(req: FastifyRequest): Language[] {
  return audioChain({ chosen: req.cookies[AUDIO_LANG_COOKIE], user: req.user, uiLanguage: req.lang })
}

/**
 * This request's recordings, for its view context (app.ts sets `req.recordings`). A page is built in
 * one synchronous pass, during which every speaker button asks for its target; the first ask opens a
 * batch that is answered once that pass is over (a microtask), so all the speakers of a page cost ONE
 * AudioService.resolve: the cache, else one query for the targets it does not hold.
 */
export function recordingsFor(audio: Pick<AudioService, 'resolve'>, req: FastifyRequest): Recordings {
  let batch: { targets: Set<string>; heard: Promise<Map<string, Recording>> } | undefined

  async function lookup(targets: string[]): Promise<Map<string, Recording>> {
    try {
      return await audio.resolve(targets, requestChain(req))
    } catch (err) {
      // The page matters more than its recordings: without them every speaker still uses speech synthesis.
      req.log.warn({ err }, 'audio lookup failed; page served without recordings')
      return new Map()
    }
  }

  return (target) => {
    if (!batch) {
      const targets = new Set<string>()
      const heard = Promise.resolve().then(() => {
        batch = undefined
        return lookup([...targets])
      })
      batch = { targets, heard }
    }
    batch.targets.add(target)
    return batch.heard.then((heard) => heard.get(target))
  }
}
