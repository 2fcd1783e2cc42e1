import { createHash, randomBytes } from 'node:crypto'
import { and, eq, gt, lt, sql } from 'drizzle-orm'
import type { Db } from '@voces/platform'
import { sessions } from './model.ts'
import { users, type User } from '../domain/user.ts'

export const SESSION_COOKIE = 'sid'
const SESSION_DAYS = 30

function digest(token: string): string {
  return createHash('sha256').update(token).digest('hex')
}

export function createSessionService(deps: { db: Db }) {
  // Every signed-in request's first read: built once and prepared by name, so neither Drizzle nor
  // PostgreSQL builds, parses and plans it again on each request (issue 14).
  const lookup = deps.db
    .select({
      user: users,
      unread: sql<number>`(select count(*) from web.notices n where n.user_id = ${users.id} and n.read_at is null)`.mapWith(Number)
    })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(and(eq(sessions.id, sql.placeholder('id')), gt(sessions.expiresAt, sql.placeholder('now'))))
    .prepare('session_lookup')
  return {
    async create(userId: string): Promise<{ token: string; expiresAt: Date }> {
      const token = randomBytes(32).toString('base64url')
      const expiresAt = new Date(Date.now() + SESSION_DAYS * 86_400_000)
      await deps.db.insert(sessions).values({ id: digest(token), userId, expiresAt })
      return { token, expiresAt }
    },

    /**
     * Who holds this session, and how many of their notices are unread (the header's count on every
     * page, folded into this one query; notices sit above sessions, so it is read in SQL through the
     * partial index notices_unread_idx).
     */
    async lookup(token: string | undefined): Promise<{ user: User; unreadNotices: number } | null> {
      if (!token || token.length > 100) return null
      const [row] = await lookup.execute({ id: digest(token), now: new Date() })
      if (!row || row.user.disabled) return null
      return { user: row.user, unreadNotices: row.unread }
    },

    async destroy(token: string | undefined): Promise<void> {
      if (token) await deps.db.delete(sessions).where(eq(sessions.id, digest(token)))
    },

    async purgeExpired(): Promise<void> {
      await deps.db.delete(sessions).where(lt(sessions.expiresAt, new Date()))
    }
  }
}

export type SessionService = ReturnType<typeof createSessionService>
