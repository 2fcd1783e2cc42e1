import type { FastifyRequest } from 'fastify'
import { describe, expect, test } from 'vitest'
import { SpeakButton } from '../views/speak.tsx'
import { translator } from '../i18n/index.ts'
import { recordingsFor } from './recordings.ts'
import { audioChain, fieldTarget } from './chain.ts'
import type { User } from '../domain/user.ts'

const t = translator('es')
const request = (warnings: unknown[] = []) =>
  ({ cookies: {}, user: null, lang: 'es', log: { warn: (o: unknown) => warnings.push(o) } }) as unknown as FastifyRequest

describe('speaker buttons and recordings', () => {
  test('every speaker of a page is looked up at once, and a recorded one becomes a link to its clip', async () => {
    const asked: (readonly string[])[] = []
    const audio = {
      resolve: async (targets: readonly string[]) => {
        asked.push(targets)
        return new Map([['nav.jobs', { clipId: 'c1', language: 'ot' as const }]])
      }
    }
    const ctx = { t, recordings: recordingsFor(audio, request()) }
    const html = String(await (<div><SpeakButton slug="nav.jobs" text={'Trabajos & "más"'} ctx={ctx} /><SpeakButton slug="job.x.title" text="Otro" ctx={ctx} /></div>))
    expect(asked).toEqual([['nav.jobs', 'job.x.title']])
    expect(html).toContain('<a class="speak" href="/audio/clips/c1" data-speak="nav.jobs" data-audio-src="/audio/clips/c1" data-audio-lang="ot" lang="oto"')
    expect(html).toContain('aria-label="Escuchar: Trabajos & &#34;más&#34; (Otomí)"')
    expect(html).toContain('<button type="button" class="speak" data-speak="job.x.title" data-speak-text="Otro" aria-label="Escuchar: Otro"><span aria-hidden="true">🔊</span></button>')
  })

  test('when the lookup fails, every speaker is a speech-synthesis button and the failure is logged', async () => {
    const warnings: unknown[] = []
    const ctx = { t, recordings: recordingsFor({ resolve: () => Promise.reject(new Error('database went away')) }, request(warnings)) }
    const html = String(await (<p><SpeakButton slug="nav.jobs" text="Trabajos" ctx={ctx} /></p>))
    expect(html).toBe('<p><button type="button" class="speak" data-speak="nav.jobs" data-speak-text="Trabajos" aria-label="Escuchar: Trabajos"><span aria-hidden="true">🔊</span></button></p>')
    expect(warnings).toHaveLength(1)
  })

  test('fallback chain: chosen audio language, spoken languages, interface, Spanish, English', () => {
    const user = { nativeLanguages: ['nah', 'ot'] } as unknown as User
    expect(audioChain({ chosen: 'maz', user, uiLanguage: 'en' })).toEqual(['maz', 'nah', 'ot', 'en', 'es'])
    expect(audioChain({ chosen: 'bogus', user: null, uiLanguage: 'es' })).toEqual(['es', 'en'])
    expect(audioChain({ user: null, uiLanguage: 'en' })).toEqual(['en', 'es'])
  })

  test('object field targets', () => {
    expect(fieldTarget('job.0b6f7a52-2f53-4bd5-9c1c-8d7c3f1c2a10.title')).toEqual({ jobId: '0b6f7a52-2f53-4bd5-9c1c-8d7c3f1c2a10', field: 'title' })
    expect(fieldTarget('nav.jobs')).toBeNull()
  })
})
