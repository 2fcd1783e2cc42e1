import { existsSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { eq, sql } from 'drizzle-orm'
import { DatabaseLockedError, openDatabase, queryRows, type Database, type Db } from '@voces/platform'
import { users } from '../../domain/user.ts'

/** Grants or revokes admin rights. The only way anyone becomes an admin: nothing in the web app sets it. */
export async function setAdmin(db: Db, username: string, isAdmin: boolean): Promise<'not_found' | { username: string; disabled: boolean }> {
  const [row] = await db
    .update(users)
    .set({ isAdmin })
    .where(eq(users.username, username.trim().toLowerCase()))
    .returning({ username: users.username, disabled: users.disabled })
  return row ?? 'not_found'
}

export interface CommandResult {
  code: number
  message: string
}

/**
 * `npm run admin:grant -- <username>` / `npm run admin:revoke -- <username>`. On PostgreSQL (DATABASE_URL)
 * it works while the app runs. The embedded database allows one process: `npm start` (DATA_DIR/db) or the
 * standalone web app (WEB_DATA_DIR, default DATA_DIR/web) must be stopped first.
 */
export async function runAdminCommand(action: string | undefined, username: string | undefined, env: NodeJS.ProcessEnv): Promise<CommandResult> {
  if ((action !== 'grant' && action !== 'revoke') || !username) {
    return { code: 2, message: 'Usage: npm run admin:grant -- <username>   |   npm run admin:revoke -- <username>' }
  }
  const isAdmin = action === 'grant'
  const targets: Array<{ label: string; open: () => Promise<Database> }> = []
  if (env.DATABASE_URL) {
    targets.push({ label: 'PostgreSQL (DATABASE_URL)', open: () => openDatabase({ databaseUrl: env.DATABASE_URL, dataDir: '' }) })
  } else {
    const dataDir = env.DATA_DIR ?? './data'
    const dirs = env.WEB_DATA_DIR ? [env.WEB_DATA_DIR] : [join(dataDir, 'db'), join(dataDir, 'web')]
    for (const dir of dirs.map((d) => resolve(d))) {
      if (existsSync(join(dir, 'pgdata'))) targets.push({ label: `the embedded database in ${dir}`, open: () => openDatabase({ databaseUrl: undefined, dataDir: dir }) })
    }
    if (targets.length === 0) {
      return { code: 1, message: `No database found under ${resolve(dirs[0]!)}: start the app once (npm start), register, stop it, then run this again.` }
    }
  }
  const lines: string[] = []
  let found = false
  for (const target of targets) {
    let database: Database
    try {
      database = await target.open()
    } catch (error) {
      if (error instanceof DatabaseLockedError) {
        return {
          code: 1,
          message: `${error.message}\nThe embedded database is locked because the app is running: stop \`npm start\` (Ctrl+C), run this command, then start it again.`
        }
      }
      throw error
    }
    try {
      const [table] = await queryRows<{ name: string | null }>(database.db, sql`select to_regclass('web.users')::text as name`)
      if (!table?.name) continue
      const result = await setAdmin(database.db, username, isAdmin)
      if (result === 'not_found') continue
      found = true
      lines.push(
        `${result.username} ${isAdmin ? 'is now an admin' : 'is no longer an admin'} (${target.label}).` +
          (isAdmin && result.disabled ? ' Note: this account is disabled and cannot log in until it is enabled again.' : '')
      )
    } finally {
      await database.close()
    }
  }
  if (!found) return { code: 1, message: `No user named "${username}" (looked in ${targets.map((t) => t.label).join(' and ')}). Register first.` }
  return { code: 0, message: lines.join('\n') }
}
