import { eq, inArray, sql, type SQL } from 'drizzle-orm'
import type { PgColumn, PgTable } from 'drizzle-orm/pg-core'
import type { Logger } from './logger.ts'
import { queryRows, type Db, type Tx } from './db.ts'

/**
 * The one leased queue of the house. Background work lives in ordinary rows with a
 * `next_attempt_at` column: a worker claims due rows with FOR UPDATE SKIP LOCKED and leases them by
 * pushing `next_attempt_at` forward, so several processes never work on the same row, and a process
 * that dies mid-step is replaced when its lease runs out. Every step then records its result with
 * `transitionIf` (only if the row is still where the step found it) and schedules the next attempt
 * with `backoffMs`. Time comes from the caller (an injectable clock), never from the database.
 */

/** A table whose rows move through states: an `id` key. */
export type KeyedTable = PgTable & { id: PgColumn }
/** A table the queue can work on: an `id` key and a `next_attempt_at` column. */
export type QueueTable = KeyedTable & { nextAttemptAt: PgColumn }

export interface ClaimOptions {
  /** Which rows are work at all (e.g. `state in ('pending', 'sending')`); due-ness is added. */
  ready: SQL
  limit: number
  leaseMs: number
  now: Date
}

/** Claims up to `limit` due rows for this process, leased for `leaseMs`, oldest due first. */
export async function claimDue<T extends QueueTable>(db: Db, table: T, options: ClaimOptions): Promise<T['$inferSelect'][]> {
  const at = options.now.toISOString()
  const due = sql.identifier(table.nextAttemptAt.name)
  const claimed = await db.transaction((tx) =>
    queryRows<{ id: string }>(
      tx,
      sql`update ${table} set ${due} = ${at}::timestamptz + (${options.leaseMs} * interval '1 millisecond')
          where ${sql.identifier(table.id.name)} in (
            select ${sql.identifier(table.id.name)} from ${table}
            where (${options.ready}) and ${due} <= ${at}::timestamptz
            order by ${due} limit ${options.limit} for update skip locked)
          returning ${sql.identifier(table.id.name)} as id`
    )
  )
  if (!claimed.length) return []
  return (await db
    .select()
    .from(table as PgTable)
    .where(inArray(table.id, claimed.map((c) => c.id)))) as T['$inferSelect'][]
}

/**
 * Applies `patch` to one row under a row lock if `guard` still holds for it (the step's "if it is
 * still where I left it"); `after` runs in the same transaction with the row before and after
 * (e.g. to write an outbox event). Returns the updated row, or undefined if something moved it first.
 */
export async function transitionIf<T extends KeyedTable>(
  db: Db,
  table: T,
  id: string,
  guard: (current: T['$inferSelect']) => boolean,
  patch: Partial<T['$inferInsert']>,
  after?: (tx: Tx, before: T['$inferSelect'], updated: T['$inferSelect']) => Promise<void>
): Promise<T['$inferSelect'] | undefined> {
  return db.transaction(async (tx) => {
    const [current] = (await tx
      .select()
      .from(table as PgTable)
      .where(eq(table.id, id))
      .for('update')) as T['$inferSelect'][]
    if (!current || !guard(current)) return undefined
    const [updated] = (await tx
      .update(table as PgTable)
      .set(patch as never)
      .where(eq(table.id, id))
      .returning()) as T['$inferSelect'][]
    if (after) await after(tx, current, updated!)
    return updated
  })
}

/** Exponential backoff with jitter: base·2^attempt, capped, scaled by a random 50–100%. */
export function backoffMs(attempt: number, baseMs: number, maxMs: number): number {
  const raw = Math.min(maxMs, baseMs * 2 ** Math.min(attempt, 30))
  return Math.round(raw * (0.5 + Math.random() / 2))
}

export interface Poller {
  start(): void
  /** Runs a round soon, without waiting for the interval (e.g. after new work was written). */
  wake(): void
  /** Stops polling and waits for the round in progress. */
  stop(): Promise<void>
}

/**
 * The one poll loop: runs `round` every `intervalMs`, straight again while a round found work,
 * never two rounds of one poller at once. A round that throws is logged and retried next time.
 */
export function createPoller(deps: { name: string; intervalMs: number; logger: Logger; round: () => Promise<number> }): Poller {
  let running = false
  let timer: NodeJS.Timeout | undefined
  let current: Promise<void> | undefined
  let wakeRequested = false

  function schedule(delay: number) {
    if (!running) return
    clearTimeout(timer)
    timer = setTimeout(tick, delay)
  }

  function tick() {
    if (!running || current) {
      wakeRequested = true
      return
    }
    wakeRequested = false
    current = deps
      .round()
      .then((done) => (done > 0 ? 0 : deps.intervalMs))
      .catch((error: unknown) => {
        deps.logger.error({ err: error, worker: deps.name }, 'worker round failed')
        return deps.intervalMs
      })
      .then((delay) => {
        current = undefined
        schedule(wakeRequested ? 0 : delay)
      })
  }

  return {
    start() {
      if (running) return
      running = true
      schedule(0)
    },
    wake() {
      if (running) schedule(0)
    },
    async stop() {
      running = false
      clearTimeout(timer)
      await current
    }
  }
}
