import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { sql } from 'drizzle-orm'
import { createTestDatabase, DatabaseLockedError, openEmbeddedDatabase, queryRows, type Database } from './db.ts'

describe('test database', () => {
  let database: Database
  beforeAll(async () => {
    database = await createTestDatabase()
  })
  afterAll(() => database.close())

  test('runs queries on the configured driver', async () => {
    const rows = await queryRows<{ n: number }>(database.db, sql`select 41 + 1 as n`)
    expect(Number(rows[0]!.n)).toBe(42)
    expect(database.kind).toBe(process.env.DATABASE_URL ? 'postgres' : 'embedded')
  })

  test("starts from the run's migrated copy (test/global-setup.ts); { migrated: false } is empty", async () => {
    const applied = async (d: Database) =>
      queryRows<{ schema: string }>(d.db, sql`select table_schema as schema from information_schema.tables where table_name = 'migrations' order by 1`)
    expect((await applied(database)).map((r) => r.schema)).toEqual(['payments', 'sandbox_wallet', 'web'])
    const empty = await createTestDatabase({ migrated: false })
    try {
      expect(await applied(empty)).toEqual([])
    } finally {
      await empty.close()
    }
  })
})

describe('embedded database lock', () => {
  const dir = mkdtempSync(join(tmpdir(), 'voces-lock-'))
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  test('a second open of the same directory fails with a clear message, and works after close', async () => {
    const first = await openEmbeddedDatabase(dir)
    // The lock holder is this same process, so simulate another live holder: pid 1 always exists.
    const { writeFileSync } = await import('node:fs')
    writeFileSync(join(dir, 'voces.lock'), '1')
    await expect(openEmbeddedDatabase(dir)).rejects.toBeInstanceOf(DatabaseLockedError)
    await expect(openEmbeddedDatabase(dir)).rejects.toThrow(/in use by process 1/)
    writeFileSync(join(dir, 'voces.lock'), String(process.pid))
    await first.close()
    const again = await openEmbeddedDatabase(dir)
    await again.close()
  })
})
