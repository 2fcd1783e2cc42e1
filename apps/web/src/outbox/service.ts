import { and, eq, isNull, lt } from 'drizzle-orm'
import { systemClock, type Clock, type Db } from '@voces/platform'
import { idempotencyKeys, type OutboxAction } from './model.ts'
import type { OutboxError } from './errors.ts'
import type { User } from '../domain/user.ts'
import { isUuid } from '../domain/ids.ts'

/** A form handled to the end: where the person is sent (the same place for every retry of its key). */
export interface Done {
  done: string
}

/** A claim not finished within this time (the process died mid-request) may be taken by a retry. */
export const STALE_CLAIM_MS = 2 * 60_000
/** How long a second request with a key in hand waits for the first's answer, and how often it looks. */
const WAIT_FOR_FIRST_MS = 5_000
const POLL_MS = 100
/** An answered key is kept this long (a phone retries within minutes or at its next visit, not months later). */
export const KEEP_KEYS_MS = 30 * 86_400_000
/** The purge runs at most this often (each scheduler round asks). */
const PURGE_EVERY_MS = 3_600_000

/**
 * Idempotency keys: a form sent again with the same key (the phone retried after a lost answer) is
 * answered as the first time and does nothing again. The key is claimed before the work, recorded with
 * its result after; a refusal releases it (nothing was done, so a retry is judged afresh).
 */
export function createOutboxService(deps: { db: Db; clock?: Clock; waitForFirstMs?: number }) {
  const clock = deps.clock ?? systemClock
  const waitForFirstMs = deps.waitForFirstMs ?? WAIT_FOR_FIRST_MS

  /** 'fresh' with the claim's time (its fence: only this claim may release or record the key), or the key's answer. */
  async function claim(user: User, key: string, action: OutboxAction): Promise<{ fresh: Date } | Done | OutboxError> {
    const now = clock.now()
    const [mine] = await deps.db.insert(idempotencyKeys).values({ key, userId: user.id, action, claimedAt: now }).onConflictDoNothing().returning()
    if (mine) return { fresh: now }
    const [row] = await deps.db.select().from(idempotencyKeys).where(eq(idempotencyKeys.key, key))
    if (!row || row.userId !== user.id || row.action !== action) return 'idempotency_key_used'
    if (row.location !== null) return { done: row.location }
    const [taken] = await deps.db
      .update(idempotencyKeys)
      .set({ claimedAt: now })
      .where(and(eq(idempotencyKeys.key, key), isNull(idempotencyKeys.location), lt(idempotencyKeys.claimedAt, new Date(now.getTime() - STALE_CLAIM_MS))))
      .returning()
    return taken ? { fresh: now } : 'still_sending'
  }

  /** The answer the request holding `key` records within `waitForFirstMs`, 'released' if it refused, else null. */
  async function firstAnswer(key: string): Promise<Done | 'released' | null> {
    for (let waited = 0; waited < waitForFirstMs; waited += POLL_MS) {
      await new Promise((resolve) => setTimeout(resolve, POLL_MS))
      const [row] = await deps.db.select().from(idempotencyKeys).where(eq(idempotencyKeys.key, key))
      if (!row) return 'released'
      if (row.location !== null) return { done: row.location }
    }
    return null
  }

  let purgedAt = 0

  return {
    /**
     * Deletes keys older than KEEP_KEYS_MS (answered, or claims a crashed request never finished), at most
     * once an hour; the number deleted, or null when it was not due.
     */
    async purgeIfDue(): Promise<number | null> {
      const now = clock.now().getTime()
      if (now - purgedAt < PURGE_EVERY_MS) return null
      purgedAt = now
      const gone = await deps.db.delete(idempotencyKeys).where(lt(idempotencyKeys.claimedAt, new Date(now - KEEP_KEYS_MS))).returning({ key: idempotencyKeys.key })
      return gone.length
    },

    /**
     * Runs `act` once for this key: its Done is recorded and given to every retry by the same person;
     * anything else it answers (a refusal) releases the key. Without a key (an old page) `act` just runs.
     */
    async once<T>(user: User, key: string, action: OutboxAction, act: () => Promise<Done | T>): Promise<Done | T | OutboxError | 'invalid_input'> {
      if (key === '') return act()
      if (!isUuid(key)) return 'invalid_input'
      const k = key.toLowerCase()
      let claimed = await claim(user, k, action)
      if (claimed === 'still_sending') {
        // A double tap without JavaScript: the second waits (a deadline, not for ever) for the first's answer,
        // so the person sees where the first went, not a "still sending" page for work that succeeded.
        const first = await firstAnswer(k)
        if (first === 'released') claimed = await claim(user, k, action)
        else if (first) return first
      }
      if (typeof claimed === 'string' || isDone(claimed)) return claimed
      // Fenced by the claim's time: a request whose stale claim a retry took over neither frees the
      // key the retry now holds (a third request would do the work again) nor records over it.
      const ours = and(eq(idempotencyKeys.key, k), isNull(idempotencyKeys.location), eq(idempotencyKeys.claimedAt, claimed.fresh))
      const release = () => deps.db.delete(idempotencyKeys).where(ours)
      try {
        const result = await act()
        if (isDone(result)) await deps.db.update(idempotencyKeys).set({ location: result.done }).where(ours)
        else await release()
        return result
      } catch (err) {
        await release()
        throw err
      }
    }
  }
}

export function isDone(value: unknown): value is Done {
  return typeof value === 'object' && value !== null && typeof (value as Done).done === 'string'
}

export type OutboxService = ReturnType<typeof createOutboxService>
