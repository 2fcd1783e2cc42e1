import { and, count, desc, eq, isNull } from 'drizzle-orm'
import type { Clock, Db, Tx } from '@voces/platform'
import { noticeEmails, notices, type Notice, type NoticeKind, type NoticeParams } from './model.ts'
import { users, type User } from '../domain/user.ts'
import { isUuid } from '../domain/ids.ts'

export const NOTICES_PAGE_SIZE = 20

export interface NoticeInput {
  userId: string
  kind: NoticeKind
  params: NoticeParams
  /** A local path: what the notice is about. */
  link: string
  /** Names the event for this person (e.g. `paid:<payout id>`): the same event never makes two notices. */
  dedupeKey: string
}

/** Writes a notice in the caller's transaction, so it is committed (or not) with the event itself. */
export type Notify = (tx: Tx, input: NoticeInput) => Promise<void>

export function createNoticeService(deps: { db: Db; clock: Clock }) {
  const notify: Notify = async (tx, input) => {
    const [written] = await tx
      .insert(notices)
      .values({ ...input, createdAt: deps.clock.now() })
      .onConflictDoNothing({ target: notices.dedupeKey })
      .returning({ id: notices.id })
    // Already written by an earlier run of the same event: its email row was written with it.
    if (!written) return
    const [person] = await tx.select({ email: users.email }).from(users).where(eq(users.id, input.userId))
    if (person?.email) {
      await tx.insert(noticeEmails).values({ id: written.id, toAddress: person.email, nextAttemptAt: deps.clock.now() })
    }
  }

  return {
    notify,

    /** One page of a person's notices, newest first, and whether there is another. */
    async list(user: User, page: number): Promise<{ items: Notice[]; more: boolean }> {
      const rows = await deps.db
        .select()
        .from(notices)
        .where(eq(notices.userId, user.id))
        .orderBy(desc(notices.createdAt), desc(notices.id))
        .limit(NOTICES_PAGE_SIZE + 1)
        .offset((page - 1) * NOTICES_PAGE_SIZE)
      return { items: rows.slice(0, NOTICES_PAGE_SIZE), more: rows.length > NOTICES_PAGE_SIZE }
    },

    /** Marks one of the person's own notices read and answers where it leads; anyone else's is not found. */
    async open(user: User, id: string): Promise<Notice | 'not_found'> {
      if (!isUuid(id)) return 'not_found'
      const [row] = await deps.db.select().from(notices).where(and(eq(notices.id, id), eq(notices.userId, user.id)))
      if (!row) return 'not_found'
      if (!row.readAt) await deps.db.update(notices).set({ readAt: deps.clock.now() }).where(and(eq(notices.id, id), isNull(notices.readAt)))
      return row
    },

    async markAllRead(user: User): Promise<void> {
      await deps.db
        .update(notices)
        .set({ readAt: deps.clock.now() })
        .where(and(eq(notices.userId, user.id), isNull(notices.readAt)))
    },

    async unreadCount(userId: string): Promise<number> {
      const [row] = await deps.db
        .select({ n: count() })
        .from(notices)
        .where(and(eq(notices.userId, userId), isNull(notices.readAt)))
      return row?.n ?? 0
    }
  }
}

export type NoticeService = ReturnType<typeof createNoticeService>
