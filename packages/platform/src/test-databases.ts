import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { randomBytes } from 'node:crypto'
import pg from 'pg'
import { openEmbeddedDatabase, openPostgresDatabase, TEST_SNAPSHOT_ENV, TEST_TEMPLATE_ENV, type Database } from './db.ts'

export interface Migrations {
  migrationsFolder: string
  schema: string
}

/**
 * Once per test run (vitest `globalSetup`, test/global-setup.ts): one database with every service's
 * migrations applied — a PGlite tarball in a temporary directory, or a template database on the
 * PostgreSQL server of DATABASE_URL — named in this process's environment, which the test workers
 * inherit; createTestDatabase() starts each test database from it. Returns the teardown.
 */
export async function prepareTestDatabases(migrations: readonly Migrations[]): Promise<() => Promise<void>> {
  // Both projects in one run share what the first one made.
  if (process.env[TEST_SNAPSHOT_ENV] || process.env[TEST_TEMPLATE_ENV]) return async () => {}
  const url = process.env.DATABASE_URL
  return url ? prepareTemplate(url, migrations) : prepareSnapshot(migrations)
}

async function migrateAll(database: Database, migrations: readonly Migrations[]): Promise<void> {
  for (const m of migrations) await database.migrate(m)
}

async function prepareSnapshot(migrations: readonly Migrations[]): Promise<() => Promise<void>> {
  const dir = mkdtempSync(join(tmpdir(), 'voces-test-snapshot-'))
  const database = await openEmbeddedDatabase('memory')
  try {
    await migrateAll(database, migrations)
    const path = join(dir, 'migrated.tar')
    writeFileSync(path, new Uint8Array(await (await database.dumpDataDir!()).arrayBuffer()))
    process.env[TEST_SNAPSHOT_ENV] = path
  } finally {
    await database.close()
  }
  return async () => {
    delete process.env[TEST_SNAPSHOT_ENV]
    rmSync(dir, { recursive: true, force: true })
  }
}

async function prepareTemplate(url: string, migrations: readonly Migrations[]): Promise<() => Promise<void>> {
  const name = `voces_template_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`
  const templateUrl = new URL(url)
  templateUrl.pathname = `/${name}`
  await adminQuery(url, `CREATE DATABASE "${name}"`)
  // Closed before any test starts: CREATE DATABASE … TEMPLATE refuses a template anyone is connected to.
  const database = openPostgresDatabase(templateUrl.toString())
  try {
    await migrateAll(database, migrations)
  } finally {
    await database.close()
  }
  process.env[TEST_TEMPLATE_ENV] = name
  return async () => {
    delete process.env[TEST_TEMPLATE_ENV]
    await adminQuery(url, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)
  }
}

async function adminQuery(url: string, query: string): Promise<void> {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    await client.query(query)
  } finally {
    await client.end()
  }
}
