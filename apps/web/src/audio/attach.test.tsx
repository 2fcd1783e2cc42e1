import { describe, expect, test } from 'vitest'
import { SpeakButton } from '../views/speak.tsx'
import { translator } from '../i18n/index.ts'
import { speakerTargets, withRecordings } from './attach.ts'
import { audioChain, fieldTarget } from './chain.ts'
import type { User } from '../users/model.ts'

const t = translator('es')

describe('speaker buttons and recordings', () => {
  test('every SpeakButton is found, and a recorded one becomes a link to its clip', async () => {
    const html = String(await (<div><SpeakButton slug="nav.jobs" text={'Trabajos & "más"'} t={t} /><SpeakButton slug="job.x.title" text="Otro" t={t} /></div>))
    expect(speakerTargets(html)).toEqual(['nav.jobs', 'job.x.title'])
    const out = withRecordings(html, new Map([['nav.jobs', { clipId: 'c1', language: 'ot' as const }]]), () => 'otomí')
    expect(out).toContain('<a class="speak" href="/audio/clips/c1" data-speak="nav.jobs" data-audio-src="/audio/clips/c1" data-audio-lang="ot" lang="oto"')
    expect(out).toContain('aria-label="Escuchar: Trabajos & &#34;más&#34; (otomí)"')
    expect(out).toContain('<button type="button" class="speak" data-speak="job.x.title"')
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
