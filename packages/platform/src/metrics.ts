import { timingSafeEqual, createHash } from 'node:crypto'
import client from 'prom-client'
import { sql, type SQL } from 'drizzle-orm'
import type { Database } from './db.ts'
import { queryRows } from './db.ts'

/**
 * The one metrics module of the house (issue 14): every service exposes the same Prometheus names,
 * with its name as a label, so one dashboard and one set of alerts cover all of them.
 *   voces_http_requests_total / voces_http_request_duration_seconds  {method, route, status}
 *   voces_db_pool_connections                                         {state: total | idle | waiting}
 *   voces_worker_lag_seconds                                          {queue}  age of the oldest due item
 *   voces_items                                                       {kind, state}  e.g. payments by state
 *   voces_failures                                                    {kind, reason}
 * Gauges are read from the database when Prometheus scrapes, so they are right in every process.
 */
export interface Metrics {
  registry: client.Registry
  observeRequest(r: { method: string; route: string; status: number; seconds: number }): void
  /** The body and content type of a scrape. */
  render(): Promise<{ contentType: string; body: string }>
  /** The lag of every queue, read now (readiness uses it too). */
  lags(): Promise<Array<{ queue: string; seconds: number }>>
}

/** A queue: rows of `table` that are work (`ready`), due at `next_attempt_at`. */
export interface QueueProbe {
  queue: string
  table: SQL
  ready: SQL
}

/** A count by state (or failures by reason) of one kind of item, e.g. `select state, count(*) from payments group by 1`. */
export interface CountProbe {
  kind: string
  /** Returns rows of (key, n). */
  query: SQL
}

export function createMetrics(deps: {
  service: string
  database: Database
  queues?: QueueProbe[]
  states?: CountProbe[]
  failures?: CountProbe[]
  now?: () => Date
}): Metrics {
  const now = deps.now ?? (() => new Date())
  const registry = new client.Registry()
  registry.setDefaultLabels({ service: deps.service })
  client.collectDefaultMetrics({ register: registry, prefix: 'voces_process_' })
  const requests = new client.Counter({ name: 'voces_http_requests_total', help: 'HTTP requests answered', labelNames: ['method', 'route', 'status'], registers: [registry] })
  const durations = new client.Histogram({
    name: 'voces_http_request_duration_seconds',
    help: 'Time to answer an HTTP request',
    labelNames: ['method', 'route'],
    buckets: [0.005, 0.01, 0.02, 0.03, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry]
  })

  async function lags() {
    return Promise.all(
      (deps.queues ?? []).map(async (q) => {
        const [row] = await queryRows<{ oldest: string | Date | null }>(
          deps.database.db,
          sql`select min(next_attempt_at) as oldest from ${q.table} where (${q.ready}) and next_attempt_at <= ${now().toISOString()}::timestamptz`
        )
        const oldest = row?.oldest ? new Date(row.oldest).getTime() : null
        return { queue: q.queue, seconds: oldest === null ? 0 : Math.max(0, (now().getTime() - oldest) / 1000) }
      })
    )
  }

  new client.Gauge({
    name: 'voces_worker_lag_seconds',
    help: 'Age of the oldest due item of each queue (0 when nothing is due)',
    labelNames: ['queue'],
    registers: [registry],
    async collect() {
      for (const l of await lags()) this.set({ queue: l.queue }, l.seconds)
    }
  })
  const countGauge = (name: string, help: string, label: string, probes: CountProbe[]) =>
    new client.Gauge({
      name,
      help,
      labelNames: ['kind', label],
      registers: [registry],
      async collect() {
        this.reset()
        for (const p of probes) {
          for (const row of await queryRows<{ key: string | null; n: number | string }>(deps.database.db, p.query)) {
            this.set({ kind: p.kind, [label]: row.key ?? 'none' }, Number(row.n))
          }
        }
      }
    })
  countGauge('voces_items', 'Items of each kind by state', 'state', deps.states ?? [])
  countGauge('voces_failures', 'Failed items of each kind by reason', 'reason', deps.failures ?? [])
  new client.Gauge({
    name: 'voces_db_pool_connections',
    help: 'Database connections of this process by state (PostgreSQL pool; PGlite is one connection)',
    labelNames: ['state'],
    registers: [registry],
    collect() {
      const s = deps.database.poolStats()
      this.set({ state: 'total' }, s.total)
      this.set({ state: 'idle' }, s.idle)
      this.set({ state: 'waiting' }, s.waiting)
    }
  })

  return {
    registry,
    observeRequest({ method, route, status, seconds }) {
      requests.inc({ method, route, status: String(status) })
      durations.observe({ method, route }, seconds)
    },
    async render() {
      return { contentType: registry.contentType, body: await registry.metrics() }
    },
    lags
  }
}

/** Whether an Authorization header carries the metrics token; no token configured means no metrics. */
export function metricsAuthorized(header: string | undefined, token: string | undefined): boolean {
  if (!token || !header?.startsWith('Bearer ')) return false
  // Hashes have equal lengths, so the comparison takes the same time whatever was sent.
  const digest = (s: string) => createHash('sha256').update(s).digest()
  return timingSafeEqual(digest(header.slice(7)), digest(token))
}

export interface Readiness {
  ready: boolean
  database: 'ok' | 'unreachable'
  lagging: Array<{ queue: string; seconds: number }>
}

/**
 * Ready when the database answers within `timeoutMs` and no queue's oldest due item is older than
 * `maxLagSeconds` (the workers keep up). A load balancer stops sending traffic to a process that is not.
 */
export async function checkReadiness(deps: { database: Database; metrics: Metrics; maxLagSeconds: number; timeoutMs?: number }): Promise<Readiness> {
  const timeout = deps.timeoutMs ?? 2_000
  let timer: NodeJS.Timeout | undefined
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('readiness check timed out')), timeout)
  })
  try {
    await Promise.race([deps.database.db.execute(sql`select 1`), deadline])
    const lagging = (await Promise.race([deps.metrics.lags(), deadline])).filter((l) => l.seconds > deps.maxLagSeconds)
    return { ready: lagging.length === 0, database: 'ok', lagging }
  } catch {
    return { ready: false, database: 'unreachable', lagging: [] }
  } finally {
    clearTimeout(timer)
  }
}
