/**
 * `npm run bench:payments` — a benchmark, not a test. Measures POST /offers/:id/quotes/start of the payments
 * service against the naive sequential SDK flow, both against the sandbox wallet, with each server alone in its
 * process: the sandbox wallet (bench/wallet-server.ts) and the payments service (bench/payments-server.ts),
 * forked and asked over IPC for their CPU time and SQL statements; the load runs here (bench/quotes-load.ts).
 *   service:  POST /offers/:id/quotes/start (warm caches), the grant limited to the quote's debit (the default)
 *   beside:   the same on a second payments process with PAYMENT_GRANT_LIMIT=receive: the grant asked
 *             beside the quote (2 wallet round trips before the redirect instead of 3)
 *   baseline: the same Open Payments calls made with the SDK in the naive sequential order of the SDK's
 *             peer-to-peer example (wallet addresses, incoming grant, incoming payment, quote grant, quote,
 *             outgoing-payment grant), nothing cached.
 * Beside starts/s and latency, each process's CPU ms per start: what the payments service itself costs
 * (against the naive client's own CPU, which is what the service replaces) and what the wallet costs for each
 * flow. Sequential wallet round trips are measured, not assumed: the sandbox adds BENCH_LATENCY_MS to every
 * Open Payments request, and (p50 with latency − p50 without) / latency is how many the caller waited for.
 * Then (BENCH_PROFILE=0 skips it) a V8 CPU profile of each process under each flow's concurrent load:
 * artifacts/bench-payments/<flow>-<process>.cpuprofile, summarised. PostgreSQL when DATABASE_URL is set
 * (a fresh database per server), else an in-memory PGlite per server.
 *
 * The rows at BENCH_CONCURRENCY run BENCH_CONCURRENT_STARTS starts each, for every flow: the p99 of 60 is the
 * slowest one (whichever start met the worst burst of work on the shared cores), that of 240 the 3rd slowest;
 * the slowest is printed beside it.
 *
 *   BENCH_STARTS (60, one at a time and profiles)  BENCH_CONCURRENT_STARTS (240)  BENCH_CONCURRENCY (8)
 *   BENCH_LATENCY_MS (150)  BENCH_PROFILE (1)
 */
import { readFileSync, mkdirSync, writeFileSync } from 'node:fs'
import { cpus, loadavg } from 'node:os'
import { dirname, join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { Session } from 'node:inspector/promises'
import { summarise } from '../../../apps/web/bench/cpu-profile.ts'
import { forkServer, type QueryCount, type Spent } from './control.ts'
import { createLoad, measure, type Stats } from './quotes-load.ts'
import type { WalletReady } from './wallet-server.ts'
import type { PaymentsReady } from './payments-server.ts'

const STARTS = Number(process.env.BENCH_STARTS ?? 60)
const CONC_STARTS = Number(process.env.BENCH_CONCURRENT_STARTS ?? 240)
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 8)
const LATENCY = Number(process.env.BENCH_LATENCY_MS ?? 150)
const PROFILE = process.env.BENCH_PROFILE !== '0'
const here = dirname(fileURLToPath(import.meta.url))
const ARTIFACTS = join(here, '..', '..', '..', 'artifacts', 'bench-payments')

/** CPU ms and SQL per start of each process during one measured run. */
interface Cost {
  payments: number
  wallet: number
  client: number
  /** Their PostgreSQL backends' CPU (0 on PGlite, whose work is in the process's own). */
  paymentsDb: number
  walletDb: number
  paymentsSql: QueryCount
  walletSql: QueryCount
}
interface Run {
  stats: Stats
  cost: Cost
}

const wallet = await forkServer<WalletReady>(join(here, 'wallet-server.ts'), {})
const payments = await forkServer<PaymentsReady>(join(here, 'payments-server.ts'), { BENCH_WALLET: JSON.stringify(wallet.ready) }).catch(async (error: unknown) => {
  await wallet.stop()
  throw error
})
const beside = await forkServer<PaymentsReady>(join(here, 'payments-server.ts'), { BENCH_WALLET: JSON.stringify(wallet.ready), BENCH_GRANT_LIMIT: 'receive' }).catch(
  async (error: unknown) => {
    await Promise.all([payments.stop(), wallet.stop()])
    throw error
  }
)
const clientMs = () => {
  const u = process.cpuUsage()
  return (u.user + u.system) / 1000
}

/** `server`: the payments process whose CPU counts (the one `op` calls; for the naive flow, its idle cost). */
async function run(n: number, concurrency: number, op: (i: number) => Promise<void>, server = payments): Promise<Run> {
  const snap = async () => ({ payments: await server.spent(), wallet: await wallet.spent(), client: clientMs() })
  const before = await snap()
  const stats = await measure(n, concurrency, op)
  const after = await snap()
  const perStart = (a: Spent, b: Spent) => (b.ms - a.ms) / n
  const sqlPerStart = (a: Spent, b: Spent) => ({ statements: (b.queries.statements - a.queries.statements) / n, transactions: (b.queries.transactions - a.queries.transactions) / n })
  return {
    stats,
    cost: {
      payments: perStart(before.payments, after.payments),
      wallet: perStart(before.wallet, after.wallet),
      client: (after.client - before.client) / n,
      paymentsDb: (after.payments.databaseMs - before.payments.databaseMs) / n,
      walletDb: (after.wallet.databaseMs - before.wallet.databaseMs) / n,
      paymentsSql: sqlPerStart(before.payments, after.payments),
      walletSql: sqlPerStart(before.wallet, after.wallet)
    }
  }
}

try {
  const w = wallet.ready
  const load = await createLoad({ ...payments.ready, sandboxUrl: w.sandboxUrl, sandboxAdminToken: w.adminToken, buyerUrl: w.buyerUrl, seller: w.seller })
  const loadBeside = await createLoad({ ...beside.ready, sandboxUrl: w.sandboxUrl, sandboxAdminToken: w.adminToken, buyerUrl: w.buyerUrl, seller: w.seller })
  const service = (tag: string) => (i: number) => load.service(i, tag)
  const besideOp = (tag: string) => (i: number) => loadBeside.service(i, tag)
  const baseline = () => load.baseline()
  // Warm up all three (JIT, connections, the services' wallet-address and token caches, the wallet's key cache).
  for (let i = 0; i < 5; i++) {
    await service('warm')(i)
    await besideOp('warm')(i)
    await baseline()
  }
  await load.setLatency(0)
  const loadAverage = loadavg()[0]!.toFixed(2)
  // Each row's three flows run back to back, so that they meet the same machine.
  // Each row starts with another flow: the sandbox's database grows and its client-key cache runs out every
  // 60 s (once per request in flight), and neither should fall on the same flow every time.
  let rowsRun = 0
  const row = async (n: number, concurrency: number, tag: string) => {
    const flows = {
      service: () => run(n, concurrency, service(tag)),
      beside: () => run(n, concurrency, besideOp(tag), beside),
      baseline: () => run(n, concurrency, baseline)
    }
    const order = (['service', 'beside', 'baseline'] as const).map((_, i, all) => all[(i + rowsRun) % all.length]!)
    rowsRun++
    const done: Partial<Record<keyof typeof flows, Run>> = {}
    for (const flow of order) done[flow] = await flows[flow]()
    return done as Record<keyof typeof flows, Run>
  }
  const seq = await row(STARTS, 1, 'seq')
  const conc = await row(CONC_STARTS, CONCURRENCY, 'conc')
  await load.setLatency(LATENCY)
  const slow = await row(Math.max(5, Math.floor(STARTS / 3)), 1, 'lat')
  const slowConc = await row(CONC_STARTS, CONCURRENCY, 'latc')
  await load.setLatency(0)

  const f1 = (n: number, width: number) => n.toFixed(1).padStart(width)
  const sql = (q: QueryCount) => `${q.statements.toFixed(1)} (${q.transactions.toFixed(1)} tx)`.padStart(14)
  console.log(
    `\nquotes/start on ${w.kind === 'postgres' ? 'PostgreSQL' : 'embedded PGlite'}: ${STARTS} starts one at a time, ${CONC_STARTS} at concurrency ${CONCURRENCY}; ` +
      `each server in its own process, load from this one; ${cpus().length} cores, load average ${loadAverage} at the start\n`
  )
  const pg = w.kind === 'postgres'
  const cpu = (own: number, db: number) => (pg ? `${own.toFixed(1)}+${db.toFixed(1)}`.padStart(10) : f1(own, 8))
  console.log(`${''.padEnd(30)} starts/s  p50 ms  p99 ms  max ms | CPU ms per start${pg ? ' (+ its PostgreSQL backends)' : ''}: payments  wallet  client | SQL per start: payments      wallet`)
  const line = (name: string, r: Run) =>
    console.log(
      `${name.padEnd(30)} ${f1(r.stats.perSecond, 8)} ${f1(r.stats.p50, 7)} ${f1(r.stats.p99, 7)} ${f1(r.stats.max, 7)} | ${''.padEnd(pg ? 40 : 17)}${cpu(r.cost.payments, r.cost.paymentsDb)} ${cpu(r.cost.wallet, r.cost.walletDb)} ${f1(r.cost.client, 7)} | ${''.padEnd(14)}${sql(r.cost.paymentsSql)} ${sql(r.cost.walletSql)}`
    )
  for (const [label, r] of [
    ['one at a time', seq],
    [`${CONCURRENCY} at once`, conc],
    [`+${LATENCY} ms per wallet call`, slow],
    [`+${LATENCY} ms, ${CONCURRENCY} at once`, slowConc]
  ] as const) {
    line(`service, ${label}`, r.service)
    line(`beside, ${label}`, r.beside)
    line(`baseline, ${label}`, r.baseline)
  }
  console.log(`(service: the grant limits the quote's debit, asked after it; beside: PAYMENT_GRANT_LIMIT=receive, the grant asked beside the quote)`)

  const c = { service: conc.service.cost, baseline: conc.baseline.cost }
  const total = (k: Cost) => k.payments + k.paymentsDb + k.wallet + k.walletDb + k.client
  const db = (ms: number) => (pg ? ` + ${ms.toFixed(1)} in PostgreSQL` : '')
  console.log(
    `\nAt ${CONCURRENCY} at once, CPU ms per start: our service's own ${c.service.payments.toFixed(1)}${db(c.service.paymentsDb)} (the naive client's own ${c.baseline.client.toFixed(1)}); ` +
      `the wallet's ${c.service.wallet.toFixed(1)}${db(c.service.walletDb)} for the service, ${c.baseline.wallet.toFixed(1)}${db(c.baseline.walletDb)} for the naive flow; ` +
      `all processes ${total(c.service).toFixed(1)} against ${total(c.baseline).toFixed(1)}. ` +
      `With the grant beside the quote: our service's own ${conc.beside.cost.payments.toFixed(1)}${db(conc.beside.cost.paymentsDb)}, the wallet's ${conc.beside.cost.wallet.toFixed(1)}${db(conc.beside.cost.walletDb)}.`
  )
  // What the CPU alone allows: the busiest single process (one event loop) or all of them sharing the cores.
  const ceiling = (k: Cost) => Math.min(1000 / Math.max(k.payments, k.wallet, k.client), (cpus().length * 1000) / total(k))
  console.log(
    `CPU ceiling on ${cpus().length} cores: service ${ceiling(c.service).toFixed(0)} starts/s, naive flow ${ceiling(c.baseline).toFixed(0)} starts/s ` +
      `(ratio ${(ceiling(c.service) / ceiling(c.baseline)).toFixed(2)}×); load average ${loadavg()[0]!.toFixed(2)} at the end.`
  )

  const trips = (fast: Run, lat: Run) => Math.round((lat.stats.p50 - fast.stats.p50) / LATENCY)
  const against = (mine: Run, naive: Run) => ({ throughput: mine.stats.perSecond / naive.stats.perSecond, p99: mine.stats.p99 / naive.stats.p99, max: mine.stats.max / naive.stats.max })
  const ratio = (r: ReturnType<typeof against>) => `${r.throughput.toFixed(2)}× (p99 ${r.p99.toFixed(2)}×, slowest ${r.max.toFixed(2)}×)`
  const met = (r: ReturnType<typeof against>) => r.throughput >= 2 && r.p99 <= 0.5
  const near = { service: against(conc.service, conc.baseline), beside: against(conc.beside, conc.baseline) }
  const far = { service: against(slowConc.service, slowConc.baseline), beside: against(slowConc.beside, slowConc.baseline) }
  const p50Faster = seq.baseline.stats.p50 / seq.service.stats.p50
  const goal = '≥ 2× throughput, p99 ≤ 0.5×'
  const rows: Array<[string, string, string, boolean]> = [
    [
      `payment starts per second vs the SDK's naive sequential flow, ${CONCURRENCY} at once`,
      `${ratio(near.service)} (p50 ${p50Faster.toFixed(2)}× faster one at a time)`,
      goal,
      met(near.service)
    ],
    [`the same, the grant asked beside the quote (PAYMENT_GRANT_LIMIT=receive)`, ratio(near.beside), goal, met(near.beside)],
    [`the same with +${LATENCY} ms per wallet call (a wallet across a network, not on these cores)`, ratio(far.service), goal, met(far.service)],
    [`the same with +${LATENCY} ms, the grant asked beside the quote`, ratio(far.beside), goal, met(far.beside)],
    [
      "our service's own CPU per start vs the naive client's own (what the service replaces)",
      `${(c.service.payments + c.service.paymentsDb).toFixed(1)} / ${c.baseline.client.toFixed(1)} ms = ${((c.service.payments + c.service.paymentsDb) / c.baseline.client).toFixed(2)}× ` +
        `(all processes ${(total(c.service) / total(c.baseline)).toFixed(2)}×: at zero latency the throughput ratio tends to its inverse)`,
      '≤ 0.5× (needed, not enough, for 2× on shared cores)',
      (c.service.payments + c.service.paymentsDb) / c.baseline.client <= 0.5
    ],
    [
      'sequential wallet round trips before the funder can be redirected',
      `${trips(seq.service, slow.service)} with the quote shown first; ${trips(seq.beside, slow.beside)} with the grant beside the quote (baseline ${trips(seq.baseline, slow.baseline)})`,
      '3 with the quote shown first; 2 where the grant can be requested with the quote',
      trips(seq.service, slow.service) <= 3 && trips(seq.beside, slow.beside) <= 2
    ]
  ]
  console.log('\n| figure | now | goal | met |\n|---|---|---|---|')
  for (const [figure, now, goal, met] of rows) console.log(`| ${figure} | ${now} | ${goal} | ${met ? 'yes' : 'no'} |`)

  if (PROFILE) await profile({ service: service('prof'), baseline })
} finally {
  await Promise.all([payments.stop(), beside.stop(), wallet.stop()])
}

/** Each flow's concurrent load once more under V8's profiler, in all three processes at once. */
async function profile(flows: Record<'service' | 'baseline', (i: number) => Promise<void>>) {
  const self = new Session()
  self.connect()
  console.log(`\nWhere each process's main-thread time goes (V8 CPU profile, ${STARTS} starts at ${CONCURRENCY} at once per flow):`)
  for (const [flow, op] of Object.entries(flows)) {
    const files = { payments: join(ARTIFACTS, `${flow}-payments.cpuprofile`), wallet: join(ARTIFACTS, `${flow}-wallet.cpuprofile`), client: join(ARTIFACTS, `${flow}-client.cpuprofile`) }
    await Promise.all([payments.ask({ type: 'profile-start' }, 'profiling'), wallet.ask({ type: 'profile-start' }, 'profiling')])
    await self.post('Profiler.enable')
    await self.post('Profiler.start')
    await measure(STARTS, CONCURRENCY, op)
    const { profile: own } = await self.post('Profiler.stop')
    mkdirSync(ARTIFACTS, { recursive: true })
    writeFileSync(files.client, JSON.stringify(own))
    await Promise.all([payments.ask({ type: 'profile-stop', file: files.payments }, 'profiled'), wallet.ask({ type: 'profile-stop', file: files.wallet }, 'profiled')])
    for (const [name, file] of Object.entries(files)) {
      const s = summarise(JSON.parse(readFileSync(file, 'utf8')))
      if (s.busyMs / STARTS < 1) continue
      console.log(`\n${flow}, ${name}: ${(s.busyMs / STARTS).toFixed(1)} ms of main-thread CPU per start → ${relative(process.cwd(), file)}`)
      console.log(`  by area:  ${s.areas.slice(0, 8).map((a) => `${a.name} ${((100 * a.ms) / s.busyMs).toFixed(0)}%`).join(', ')}`)
      for (const f of s.functions.slice(0, 6)) console.log(`  ${((100 * f.ms) / s.busyMs).toFixed(1).padStart(5)}%  ${f.name}`)
    }
  }
  self.disconnect()
}
