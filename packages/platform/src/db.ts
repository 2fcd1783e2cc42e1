import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { randomBytes } from 'node:crypto'
import { PGlite, type PGliteOptions } from '@electric-sql/pglite'
import { unaccent } from '@electric-sql/pglite/contrib/unaccent'
import pg from 'pg'
import { sql } from 'drizzle-orm'
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core'
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite'
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres'
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator'
import { migrate as migratePg } from 'drizzle-orm/node-postgres/migrator'

/** The one database type every service codes against: Drizzle over PGlite or PostgreSQL. */
export type Db = PgDatabase<PgQueryResultHKT, Record<string, never>>

/** A transaction handle has the same query surface as the database. */
export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0]

export interface Database {
  kind: 'embedded' | 'postgres'
  db: Db
  /**
   * Runs migrations of one service into its own Postgres schema; the migrations table lives there
   * too, so the migrator creates the schema first. drizzle-kit writes a bare `CREATE SCHEMA` into a
   * service's first migration: change it to `CREATE SCHEMA IF NOT EXISTS` when generating it.
   */
  migrate(options: { migrationsFolder: string; schema: string }): Promise<void>
  /** Connections of this process (metrics): PGlite is one; PostgreSQL's pool has several. */
  poolStats(): { total: number; idle: number; waiting: number }
  /** Embedded only: the whole data directory as a tarball (PGlite `dumpDataDir`), for `loadDataDir`. */
  dumpDataDir?(): Promise<Blob>
  close(): Promise<void>
}

export class DatabaseLockedError extends Error {
  override name = 'DatabaseLockedError'
}

/**
 * The PostgreSQL extensions migrations may create. PGlite ships each one as a bundle that must be
 * loaded when the database opens; on PostgreSQL they come with the server (Debian: postgresql-contrib).
 * unaccent: job search ignores accents (web's 0004_job_search migration).
 */
const EMBEDDED_OPTIONS: PGliteOptions = { extensions: { unaccent } }

/**
 * Opens the embedded database under `dataDir` (or in memory with 'memory'), guarded by a
 * lock file so that a second process cannot open the same directory: PGlite is single-process,
 * and two writers would corrupt it. `loadDataDir` starts an in-memory database from a
 * `dumpDataDir()` tarball instead of an empty one.
 */
export async function openEmbeddedDatabase(dataDir: string | 'memory', options: { loadDataDir?: Blob } = {}): Promise<Database> {
  let releaseLock = () => {}
  let client: PGlite
  if (dataDir === 'memory') {
    client = new PGlite({ ...EMBEDDED_OPTIONS, ...options })
  } else {
    const dir = resolve(dataDir)
    mkdirSync(dir, { recursive: true })
    releaseLock = acquireDirectoryLock(dir)
    try {
      client = new PGlite(join(dir, 'pgdata'), EMBEDDED_OPTIONS)
      await client.waitReady
    } catch (error) {
      releaseLock()
      throw error
    }
  }
  await client.waitReady
  const db = drizzlePglite({ client }) as unknown as Db
  return {
    kind: 'embedded',
    db,
    async migrate({ migrationsFolder, schema }) {
      await migratePglite(db as never, { migrationsFolder, migrationsSchema: schema, migrationsTable: 'migrations' })
    },
    poolStats: () => ({ total: 1, idle: 1, waiting: 0 }),
    async dumpDataDir() {
      await client.exec('CHECKPOINT')
      return client.dumpDataDir('none')
    },
    async close() {
      await client.close()
      releaseLock()
    }
  }
}

/** Opens a PostgreSQL pool. Migrations are serialised across processes with an advisory lock. */
export function openPostgresDatabase(url: string, options: { max?: number } = {}): Database {
  const pool = new pg.Pool({ connectionString: url, max: options.max ?? 10 })
  // An idle client losing its connection must not crash the process; the pool replaces it.
  pool.on('error', () => {})
  const db = drizzlePg({ client: pool }) as unknown as Db
  return {
    kind: 'postgres',
    db,
    async migrate({ migrationsFolder, schema }) {
      const lockClient = await pool.connect()
      try {
        await lockClient.query('SELECT pg_advisory_lock(hashtext($1))', [`migrate:${schema}`])
        await migratePg(db as never, { migrationsFolder, migrationsSchema: schema, migrationsTable: 'migrations' })
      } finally {
        await lockClient.query('SELECT pg_advisory_unlock(hashtext($1))', [`migrate:${schema}`]).catch(() => {})
        lockClient.release()
      }
    },
    poolStats: () => ({ total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount }),
    async close() {
      await pool.end()
    }
  }
}

export function openDatabase(options: { databaseUrl?: string | undefined; dataDir: string }): Promise<Database> {
  return options.databaseUrl
    ? Promise.resolve(openPostgresDatabase(options.databaseUrl))
    : openEmbeddedDatabase(options.dataDir)
}

/**
 * What a test run's global setup (test/global-setup.ts, via prepareTestDatabases) prepared once: a
 * PGlite `dumpDataDir()` tarball, or a PostgreSQL template database, with every service's migrations
 * applied. Starting each test database from it skips PGlite's initdb (seconds per database) and the
 * migrations; the services still run their migrator at start, which finds nothing left to do.
 */
export const TEST_SNAPSHOT_ENV = 'VOCES_TEST_PGLITE_SNAPSHOT'
export const TEST_TEMPLATE_ENV = 'VOCES_TEST_PG_TEMPLATE'

let snapshot: { path: string; blob: Blob } | undefined

/** The migrated snapshot named by the environment, read once per process (a full stack opens three). */
function testSnapshot(): Blob | undefined {
  const path = process.env[TEST_SNAPSHOT_ENV]
  if (!path || !existsSync(path)) return undefined
  if (snapshot?.path !== path) snapshot = { path, blob: new Blob([readFileSync(path)]) }
  return snapshot.blob
}

/**
 * A fresh database for one test file: a new database on the PostgreSQL server named by DATABASE_URL
 * when set (dropped on close), otherwise an in-memory PGlite. It starts from the run's migrated
 * snapshot or template when there is one; `{ migrated: false }` (or no global setup, e.g. a bench
 * script) gives an empty database, for a test of the migrations themselves.
 */
export async function createTestDatabase(options: { migrated?: boolean } = {}): Promise<Database> {
  const migrated = options.migrated ?? true
  const url = process.env.DATABASE_URL
  if (!url) {
    const loadDataDir = migrated ? testSnapshot() : undefined
    return openEmbeddedDatabase('memory', loadDataDir ? { loadDataDir } : {})
  }
  const template = migrated ? process.env[TEST_TEMPLATE_ENV] : undefined
  const name = `voces_test_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`
  const admin = new pg.Client({ connectionString: url })
  await admin.connect()
  try {
    await admin.query(`CREATE DATABASE "${name}"${template ? ` TEMPLATE "${template}"` : ''}`)
  } finally {
    await admin.end()
  }
  const testUrl = new URL(url)
  testUrl.pathname = `/${name}`
  const database = openPostgresDatabase(testUrl.toString())
  return {
    ...database,
    async close() {
      // A client still checked out (a worker stopped mid-query) must not hang the suite: the drop
      // below ends every remaining connection anyway.
      await Promise.race([database.close(), new Promise((resolve) => setTimeout(resolve, 5_000).unref())])
      const dropper = new pg.Client({ connectionString: url })
      await dropper.connect()
      await dropper.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)
      await dropper.end()
    }
  }
}

/** Rows of a raw SQL statement, on either driver. */
export async function queryRows<T>(db: Db | Tx, query: ReturnType<typeof sql>): Promise<T[]> {
  const result = (await db.execute(query)) as unknown as { rows: T[] }
  return result.rows
}

function acquireDirectoryLock(dir: string): () => void {
  const lockPath = join(dir, 'voces.lock')
  try {
    writeFileSync(lockPath, String(process.pid), { flag: 'wx' })
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
    const holder = Number(readFileSync(lockPath, 'utf8'))
    if (holder && holder !== process.pid && isAlive(holder)) {
      throw new DatabaseLockedError(
        `The embedded database in ${dir} is in use by process ${holder}. ` +
          'Stop that process, or set DATABASE_URL to use PostgreSQL, which many processes can share.'
      )
    }
    // A stale lock from a process that died: take it over.
    writeFileSync(lockPath, String(process.pid))
  }
  return () => rmSync(lockPath, { force: true })
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}
