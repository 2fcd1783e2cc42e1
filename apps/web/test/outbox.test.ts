import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createTestDatabase, type Database } from '@voces/platform'
import { createOutboxService, KEEP_KEYS_MS, STALE_CLAIM_MS, type Done } from '../src/outbox/service.ts'
import { users, type User } from '../src/domain/user.ts'
import { idempotencyKeys } from '../src/outbox/model.ts'
import { inArray } from 'drizzle-orm'

const MIGRATIONS = join(dirname(fileURLToPath(import.meta.url)), '..', 'drizzle')

let database: Database
let user: User
beforeAll(async () => {
  database = await createTestDatabase()
  await database.migrate({ migrationsFolder: MIGRATIONS, schema: 'web' })
  const [row] = await database.db.insert(users).values({ username: 'outbox_u', passwordHash: 'x', displayName: 'U' }).returning()
  user = row!
})
afterAll(() => database.close())

/** A request's work that waits until the test lets it finish; `started` once the request holds its claim and began it. */
function held<T>(answer: T) {
  let finish!: () => void
  let begin!: () => void
  const gate = new Promise<void>((resolve) => (finish = resolve))
  const started = new Promise<void>((resolve) => (begin = resolve))
  return { act: async () => (begin(), await gate, answer), finish, started }
}

describe('outbox once: a stale claim taken over', () => {
  test('the first request refusing late does not free the key the second now holds', async () => {
    let now = new Date('2026-01-01T00:00:00Z')
    // No wait for the first's answer: this test holds the requests itself and asks what each sees at once.
    const outbox = createOutboxService({ db: database.db, clock: { now: () => now }, waitForFirstMs: 0 })
    const key = '6f1c1f4e-1b7e-4c55-9a41-3d2f0a7b9c01'
    const first = held<'refused'>('refused')
    const one = outbox.once(user, key, 'contribution', first.act)
    // Asked only once the first holds the key: on PostgreSQL the two claims go through two pooled
    // connections, and a retry asked at once could insert its claim first and do the work itself.
    await first.started
    expect(await outbox.once(user, key, 'contribution', async () => ({ done: '/never' }))).toBe('still_sending')
    // The first request is slow past the stale time: a retry takes the key over and starts the work.
    now = new Date(now.getTime() + STALE_CLAIM_MS + 1)
    let runs = 0
    const second = held<Done>({ done: '/sent' })
    const two = outbox.once(user, key, 'contribution', async () => (runs++, second.act()))
    await expect.poll(() => runs).toBe(1)
    // The first request ends with a refusal while the second is still working.
    first.finish()
    expect(await one).toBe('refused')
    // A third retry must wait for the second, not do the work again.
    const three = await outbox.once(user, key, 'contribution', async () => (runs++, { done: '/sent' }))
    expect(three).toBe('still_sending')
    second.finish()
    expect(await two).toEqual({ done: '/sent' })
    expect(runs).toBe(1)
    expect(await outbox.once(user, key, 'contribution', async () => (runs++, { done: '/again' }))).toEqual({ done: '/sent' })
  })
})

describe('outbox keys are not kept for ever', () => {
  test('keys older than the keeping time are purged, at most once an hour; newer ones still answer a retry', async () => {
    let now = new Date('2026-03-01T00:00:00Z')
    const outbox = createOutboxService({ db: database.db, clock: { now: () => now }, waitForFirstMs: 0 })
    const old = '0b6a3c1e-5d2f-4a8b-9c7d-1e2f3a4b5c01'
    const recent = '0b6a3c1e-5d2f-4a8b-9c7d-1e2f3a4b5c02'
    expect(await outbox.once(user, old, 'submission', async () => ({ done: '/old' }))).toEqual({ done: '/old' })
    now = new Date(now.getTime() + KEEP_KEYS_MS - 60_000)
    expect(await outbox.once(user, recent, 'submission', async () => ({ done: '/recent' }))).toEqual({ done: '/recent' })
    const kept = async () => (await database.db.select().from(idempotencyKeys).where(inArray(idempotencyKeys.key, [old, recent]))).map((r) => r.key).sort()
    expect(await outbox.purgeIfDue()).not.toBeNull()
    expect(await kept()).toEqual([old, recent]) // the old key is not yet past its time
    now = new Date(now.getTime() + 120_000)
    expect(await outbox.purgeIfDue()).toBeNull() // not an hour since the last purge
    expect(await kept()).toEqual([old, recent])
    now = new Date(now.getTime() + 3_600_000)
    expect(await outbox.purgeIfDue()).toBeGreaterThanOrEqual(1)
    expect(await kept()).toEqual([recent])
    expect(await outbox.once(user, recent, 'submission', async () => ({ done: '/twice' }))).toEqual({ done: '/recent' })
  })
})
