/**
 * The IPC between `npm run bench:payments` (bench/quotes-start.ts, which drives the load) and the servers
 * it forks, each alone in its process (bench/wallet-server.ts, bench/payments-server.ts). A server answers
 * `cpu` (its process's CPU time: every thread, so a start's cost survives a busy machine), `queries` (the
 * SQL statements and transactions it has sent), `profile-start`/`profile-stop` (a V8 CPU profile around one
 * phase, the same .cpuprofile as `node --cpu-prof`) and `exit`.
 */
import { fork, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname } from 'node:path'
import { Session } from 'node:inspector/promises'
import { sql } from 'drizzle-orm'
import { askChild, queryRows, type Database } from '@voces/platform'

export interface QueryCount {
  statements: number
  transactions: number
}

type Message = { type: string; file?: string }

/**
 * Counts what `database` sends, through Drizzle's query logger: every statement of the process,
 * those inside transactions too (a transaction's session inherits the options). BEGIN and COMMIT are
 * counted as one transaction, not as statements, on both drivers (PGlite does not log them).
 */
export function countQueries(database: Database): QueryCount {
  const count: QueryCount = { statements: 0, transactions: 0 }
  const session = (database.db as unknown as { session: { logger: unknown; options: { logger?: unknown }; transaction: (...a: unknown[]) => Promise<unknown> } }).session
  const logger = {
    logQuery(query: string) {
      if (!/^\s*(begin|commit|rollback)\b/i.test(query)) count.statements++
    }
  }
  session.logger = logger
  session.options.logger = logger
  const transaction = session.transaction.bind(session)
  session.transaction = (...args) => {
    count.transactions++
    return transaction(...args)
  }
  return count
}

/**
 * On PostgreSQL the database's work is done in its server's backends, on the same cores: their CPU ms so
 * far (/proc, so only for a server on this machine). A backend's last reading is kept after it ends (the
 * pool closes idle ones), so the sum only grows; what it spent after that reading is lost. Zero on PGlite,
 * whose work is in the process's own CPU.
 */
const backendTicks = new Map<number, number>()
async function backendCpuMs(database: Database, queries: QueryCount): Promise<number> {
  if (database.kind !== 'postgres') return 0
  const rows = await queryRows<{ pid: number }>(database.db, sql`select pid from pg_stat_activity where datname = current_database()`)
  queries.statements-- // the bench's question, not the service's work
  for (const { pid } of rows) {
    try {
      // Fields after the command's closing parenthesis: utime and stime are the 12th and 13th.
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')
      backendTicks.set(pid, Number(fields[11]) + Number(fields[12]))
    } catch {
      // Not on this machine, or ended meanwhile.
    }
  }
  let ticks = 0
  for (const t of backendTicks.values()) ticks += t
  return ticks * 10 // USER_HZ is 100 on Linux
}

/** The server side: answers the driver's questions until it says `exit`, then runs `close`. */
export function serveControl(database: Database, queries: QueryCount, close: () => Promise<void>): void {
  const send = (message: unknown) => process.send!(message)
  const session = new Session()
  session.connect()
  process.on('message', async (message: Message) => {
    if (message.type === 'cpu') {
      const usage = process.cpuUsage()
      const counted = { ...queries }
      send({ type: 'cpu', ms: (usage.user + usage.system) / 1000, databaseMs: await backendCpuMs(database, queries), queries: counted })
    } else if (message.type === 'profile-start') {
      await session.post('Profiler.enable')
      await session.post('Profiler.start')
      send({ type: 'profiling' })
    } else if (message.type === 'profile-stop') {
      const { profile } = await session.post('Profiler.stop')
      mkdirSync(dirname(message.file!), { recursive: true })
      writeFileSync(message.file!, JSON.stringify(profile))
      send({ type: 'profiled' })
    } else if (message.type === 'exit') {
      session.disconnect()
      await close()
      process.exit(0)
    }
  })
}

/** What a server process has spent so far. */
export interface Spent {
  ms: number
  /** CPU of its PostgreSQL backends (0 on PGlite). */
  databaseMs: number
  queries: QueryCount
}

export interface Server<Ready> {
  ready: Ready
  ask<T = unknown>(message: object, answer: string): Promise<T>
  spent(): Promise<Spent>
  stop(): Promise<void>
}

/** Forks a bench server with `env` added and waits for its `ready` message. */
export async function forkServer<Ready>(file: string, env: Record<string, string>): Promise<Server<Ready>> {
  const child: ChildProcess = fork(file, { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'], env: { ...process.env, ...env } })
  const exited = once(child, 'exit')
  const ready = await Promise.race([
    once(child, 'message').then(([m]) => m as Ready),
    exited.then(([code]) => Promise.reject(new Error(`${file} exited with ${code}`)))
  ])
  const ask = <T>(message: object, answer: string) => askChild<T>(child, message, answer)
  return {
    ready,
    ask,
    spent: () => ask<Spent>({ type: 'cpu' }, 'cpu'),
    async stop() {
      if (child.connected) child.send({ type: 'exit' })
      await exited
    }
  }
}
