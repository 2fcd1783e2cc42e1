import { eq } from 'drizzle-orm'
import { PgDialect } from 'drizzle-orm/pg-core'
import type { SQL } from 'drizzle-orm'
import { afterAll, beforeAll, beforeEach, expect } from 'vitest'
import type { Db } from '@voces/platform'
import { Agent, jobFields, startTestWeb, type TestWeb } from './helpers.ts'
import { audioClips } from '../src/audio/model.ts'
import { users } from '../src/domain/user.ts'
import { jobs } from '../src/jobs/model.ts'

/**
 * One web app for an audio test file (audio.test.ts, audio-fallback.test.ts): an admin, an Otomi, a
 * Spanish and an English speaker and a visitor, 12 published jobs and a draft; every statement that
 * reads audio clips is counted at the database handle the services use.
 */
const dialect = new PgDialect()
export const audioQueries = { count: 0 }

function counting(db: Db): Db {
  return new Proxy(db, {
    get(target, prop) {
      const value = Reflect.get(target, prop, target) as unknown
      if (prop === 'execute') {
        return (query: SQL) => {
          if (/audio_clips/.test(dialect.sqlToQuery(query).sql)) audioQueries.count++
          return target.execute(query)
        }
      }
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value
    }
  })
}

export let t: TestWeb
export let admin: Agent
export let otomi: Agent
export let spanish: Agent
export let english: Agent
export let anon: Agent
export let jobId: string
export let draftId: string

export function useAudioWeb(): void {
  beforeAll(async () => {
    t = await startTestWeb({ maxUploadBytes: 2_000_000 }, { wrap: (database) => ({ ...database, db: counting(database.db) }) })
    admin = new Agent(t.baseUrl)
    otomi = new Agent(t.baseUrl)
    spanish = new Agent(t.baseUrl)
    english = new Agent(t.baseUrl)
    anon = new Agent(t.baseUrl)
    await admin.register('audio_admin', 'funder')
    await t.database.db.update(users).set({ isAdmin: true }).where(eq(users.username, 'audio_admin'))
    await otomi.register('hnahnu', 'creator')
    await otomi.postMultipart('/profile', { displayName: 'Hñähñu', roles: 'creator', preferredLanguage: 'es', nativeLanguages: 'ot' })
    await spanish.register('hispana', 'creator')
    await english.register('anglo', 'creator')
    await english.postMultipart('/profile', { displayName: 'Anglo', roles: 'creator', preferredLanguage: 'en' })
    for (let i = 0; i < 12; i++) await admin.postMultipart('/jobs', jobFields({ title: `Trabajo ${i}` }))
    await admin.postMultipart('/jobs', jobFields({ title: 'Borrador', action: 'draft' }))
    const all = await t.database.db.select().from(jobs)
    jobId = all.find((j) => j.title === 'Trabajo 0')!.id
    draftId = all.find((j) => j.title === 'Borrador')!.id
  })
  afterAll(() => t?.close())
  beforeEach(() => {
    audioQueries.count = 0
  })
}

export async function clipsOf(target: string) {
  return t.database.db.select().from(audioClips).where(eq(audioClips.target, target))
}

/** The speaker of a target on a page: the clip it links to, or null when it is a speech-synthesis button. */
export function speaker(html: string, target: string): { clip: string | null; lang: string | null } | undefined {
  const escaped = target.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
  const link = new RegExp(`<a class="speak" href="/audio/clips/([0-9a-f-]+)" data-speak="${escaped}"[^>]*data-audio-lang="([a-z]+)"`).exec(html)
  if (link) return { clip: link[1]!, lang: link[2]! }
  if (new RegExp(`<button type="button" class="speak" data-speak="${escaped}"`).test(html)) return { clip: null, lang: null }
  return undefined
}

export async function contribute(agent: Agent, target: string, language: string, bytes: Buffer) {
  await agent.get(`/audio/contribute?target=${encodeURIComponent(target)}`)
  return agent.postMultipart('/audio/contribute', { target, language, audio: bytes })
}

/** The admin publishes the latest take of `target` in `language` waiting for review; answers its id. */
export async function publishLatest(target: string, language: string): Promise<string> {
  const [clip] = (await clipsOf(target)).filter((c) => c.language === language && c.status === 'needs_review')
  await admin.get('/admin/audio')
  const res = await admin.post(`/admin/audio/${clip!.id}/publish`)
  expect(res.status).toBe(303)
  return clip!.id
}
