import { describe, expect, test } from 'vitest'
import { createLogger, type Db, type Tx } from '@voces/platform'
import { createAudioService } from './service.ts'
import type { MediaService } from '../media/service.ts'
import type { Job } from '../jobs/model.ts'

/** A database whose answers the test releases by hand, counting the statements it gets. */
function manualDb() {
  const waiting: ((rows: unknown[]) => void)[] = []
  const db = {
    execute: () => new Promise((resolve) => waiting.push((rows) => resolve({ rows })))
  } as unknown as Db
  return { db, answer: (rows: unknown[]) => waiting.shift()!(rows), get pending() { return waiting.length } }
}

const tx = { update: () => ({ set: () => ({ where: async () => undefined }) }) } as unknown as Tx
const job = (title: string) => ({ id: 'j1', title, description: 'd' }) as Job

describe('the audio cache', () => {
  test('a lookup that raced a change returns its answer but does not cache it', async () => {
    const m = manualDb()
    const audio = createAudioService({ db: m.db, media: {} as MediaService, logger: createLogger({ level: 'silent' }), maxBytes: 1 })
    const racing = audio.readyClips(['job.j1.title'])
    await audio.jobEdited(tx, job('old'), job('new'))
    m.answer([{ id: 'c1', target: 'job.j1.title', language: 'ot' }])
    expect((await racing).get('job.j1.title')?.get('ot')).toBe('c1')
    const next = audio.readyClips(['job.j1.title'])
    expect(m.pending).toBe(1)
    m.answer([])
    expect((await next).get('job.j1.title')?.size).toBe(0)
    // That answer was not raced: it is cached, and the next page asks nothing.
    expect((await audio.readyClips(['job.j1.title'])).get('job.j1.title')?.size).toBe(0)
    expect(m.pending).toBe(0)
  })

  test('one statement for many targets; none for targets already known', async () => {
    const m = manualDb()
    const audio = createAudioService({ db: m.db, media: {} as MediaService, logger: createLogger({ level: 'silent' }), maxBytes: 1 })
    const first = audio.resolve(['a.one', 'a.two', 'a.three', 'not a target!'], ['ot', 'es', 'en'])
    expect(m.pending).toBe(1)
    m.answer([
      { id: 'x', target: 'a.two', language: 'es' },
      { id: 'y', target: 'a.two', language: 'ot' },
      { id: 'z', target: 'a.three', language: 'en' }
    ])
    const heard = await first
    expect(heard.get('a.two')).toEqual({ clipId: 'y', language: 'ot' })
    expect(heard.get('a.three')).toEqual({ clipId: 'z', language: 'en' })
    expect(heard.has('a.one')).toBe(false)
    expect((await audio.resolve(['a.two'], ['es'])).get('a.two')).toEqual({ clipId: 'x', language: 'es' })
    expect(m.pending).toBe(0)
  })
})
