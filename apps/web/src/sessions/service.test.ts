import { afterAll, beforeAll, expect, test } from 'vitest'
import { eq, sql } from 'drizzle-orm'
import { createTestDatabase, queryRows, type Database } from '@voces/platform'
import { MIGRATIONS_FOLDER } from '../app.ts'
import { users } from '../domain/user.ts'
import { sessions } from './model.ts'
import { createSessionService } from './service.ts'

// The lookup every signed-in request makes (a prepared statement): who holds the session and the unread
// count, and nobody for an expired session, a disabled person or a token that is not one.
let database: Database
beforeAll(async () => {
  database = await createTestDatabase()
  await database.migrate({ migrationsFolder: MIGRATIONS_FOLDER, schema: 'web' })
})
afterAll(async () => {
  await database?.close()
})

test('a session names its person until it expires or she is disabled', async () => {
  const { db } = database
  const service = createSessionService({ db })
  await db.execute(sql`insert into web.users (username, password_hash, display_name, is_creator) values ('session_ana', 'x', 'Ana', true)`)
  const [ana] = await queryRows<{ id: string }>(db, sql`select id from web.users where username = 'session_ana'`)
  await db.execute(sql`insert into web.notices (user_id, kind, link, dedupe_key) values (${ana!.id}, 'applied', '/', 'session-test')`)
  const { token } = await service.create(ana!.id)

  const found = await service.lookup(token)
  expect(found?.user.username).toBe('session_ana')
  expect(found?.unreadNotices).toBe(1)
  expect(await service.lookup(`${token}x`)).toBeNull()
  expect(await service.lookup(undefined)).toBeNull()

  await db.update(sessions).set({ expiresAt: new Date(Date.now() - 1000) }).where(eq(sessions.userId, ana!.id))
  expect(await service.lookup(token)).toBeNull()
  await db.update(sessions).set({ expiresAt: new Date(Date.now() + 60_000) }).where(eq(sessions.userId, ana!.id))
  expect((await service.lookup(token))?.user.id).toBe(ana!.id)
  await db.update(users).set({ disabled: true }).where(eq(users.id, ana!.id))
  expect(await service.lookup(token)).toBeNull()
})
