/**
 * `npm run bench:payments` — a benchmark, not a test. Starts a sandbox wallet and the payments
 * service in-process (real HTTP, real SDK, in-memory database) and measures, side by side:
 *   service:  POST /offers/:id/quotes/start (warm caches)
 *   baseline: the same Open Payments calls made with the SDK in the naive sequential order of the
 *             SDK's peer-to-peer example (wallet addresses, incoming grant, incoming payment,
 *             quote grant, quote, outgoing-payment grant), nothing cached.
 * Sequential wallet round trips on the critical path are measured, not assumed: the sandbox adds
 * BENCH_LATENCY_MS to every Open Payments request, and (p50 with latency − p50 without) / latency
 * is the number of round trips the caller waited for one after another.
 *
 *   BENCH_STARTS (30)  BENCH_CONCURRENCY (8)  BENCH_LATENCY_MS (150)
 */
import { randomBytes } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { createAuthenticatedClient, isFinalizedGrantWithAccessToken, type AuthenticatedClient } from '@interledger/open-payments'
import { startHarness, type Harness } from '../test/harness.ts'

const STARTS = Number(process.env.BENCH_STARTS ?? 30)
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 8)
const LATENCY = Number(process.env.BENCH_LATENCY_MS ?? 150)

interface Stats {
  p50: number
  p99: number
  perSecond: number
}

function percentile(sorted: number[], p: number) {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!
}

/** Runs `n` operations, `concurrency` at a time; returns latency percentiles and throughput. */
async function measure(n: number, concurrency: number, op: (i: number) => Promise<void>): Promise<Stats> {
  const latencies: number[] = []
  let next = 0
  const started = performance.now()
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < n) {
        const i = next++
        const t = performance.now()
        await op(i)
        latencies.push(performance.now() - t)
      }
    })
  )
  const elapsed = (performance.now() - started) / 1000
  latencies.sort((a, b) => a - b)
  return { p50: percentile(latencies, 50), p99: percentile(latencies, 99), perSecond: n / elapsed }
}

async function main() {
  const h: Harness = await startHarness()
  const run = randomBytes(3).toString('hex')
  const buyer = await h.buyer('MXN', 10_000_000_00n)
  const privateKey = readFileSync(h.seller.privateKeyPath, 'utf8')
  // The SDK example creates its client once; so does the baseline.
  const client: AuthenticatedClient = await createAuthenticatedClient({ walletAddressUrl: h.seller.url, keyId: h.seller.keyId, privateKey, useHttp: true, validateResponses: true })

  const service = async (i: number, tag: string) => {
    const r = await h.api('POST', `/offers/bench-${run}-${tag}-${i}/quotes/start`, { sellerId: 'marketplace', buyerWalletAddressUrl: buyer.url, amount: '1.00' })
    if (r.status !== 201) throw new Error(`quotes/start answered ${r.status}: ${JSON.stringify(r.json)}`)
  }

  const baseline = async () => {
    const sending = await client.walletAddress.get({ url: buyer.url })
    const receiving = await client.walletAddress.get({ url: h.seller.url })
    const incomingGrant = await client.grant.request(
      { url: receiving.authServer },
      { access_token: { access: [{ type: 'incoming-payment', actions: ['read', 'complete', 'create'] }] } }
    )
    if (!isFinalizedGrantWithAccessToken(incomingGrant)) throw new Error('incoming grant not finalized')
    const incoming = await client.incomingPayment.create(
      { url: receiving.resourceServer, accessToken: incomingGrant.access_token.value },
      { walletAddress: receiving.id, incomingAmount: { assetCode: receiving.assetCode, assetScale: receiving.assetScale, value: '100' } }
    )
    const quoteGrant = await client.grant.request({ url: sending.authServer }, { access_token: { access: [{ type: 'quote', actions: ['create', 'read'] }] } })
    if (!isFinalizedGrantWithAccessToken(quoteGrant)) throw new Error('quote grant not finalized')
    const quote = await client.quote.create(
      { url: sending.resourceServer, accessToken: quoteGrant.access_token.value },
      { walletAddress: sending.id, receiver: incoming.id, method: 'ilp' }
    )
    await client.grant.request(
      { url: sending.authServer },
      {
        access_token: {
          access: [{ type: 'outgoing-payment', actions: ['read', 'create'], limits: { debitAmount: quote.debitAmount }, identifier: sending.id }]
        },
        interact: { start: ['redirect'], finish: { method: 'redirect', uri: 'http://localhost:8000/finish', nonce: randomBytes(16).toString('hex') } }
      }
    )
  }

  try {
    // Warm up both (JIT, connections, the service's wallet-address and token caches).
    for (let i = 0; i < 3; i++) {
      await service(i, 'warm')
      await baseline()
    }
    await h.sandbox.admin.setFaults({ latencyMs: 0 })
    const fastService = await measure(STARTS, 1, (i) => service(i, 'seq0'))
    const fastBaseline = await measure(STARTS, 1, () => baseline())
    const throughputService = await measure(STARTS, CONCURRENCY, (i) => service(i, 'conc'))
    const throughputBaseline = await measure(STARTS, CONCURRENCY, () => baseline())
    await h.sandbox.admin.setFaults({ latencyMs: LATENCY })
    const slowN = Math.max(5, Math.floor(STARTS / 3))
    const slowService = await measure(slowN, 1, (i) => service(i, 'lat'))
    const slowBaseline = await measure(slowN, 1, () => baseline())
    await h.sandbox.admin.setFaults({ latencyMs: 0 })

    const trips = (slow: Stats, fast: Stats) => (slow.p50 - fast.p50) / LATENCY
    const row = (name: string, seq: Stats, conc: Stats, slow: Stats, fast: Stats) =>
      `${name.padEnd(10)} ${conc.perSecond.toFixed(1).padStart(10)} ${seq.p50.toFixed(1).padStart(9)} ${seq.p99.toFixed(1).padStart(9)} ${slow.p50.toFixed(1).padStart(14)} ${trips(slow, fast).toFixed(1).padStart(12)}`
    console.log(`\nquotes/start: ${STARTS} starts sequential, ${STARTS} at concurrency ${CONCURRENCY}; +${LATENCY} ms per wallet request for the round-trip count\n`)
    console.log(`${'variant'.padEnd(10)} ${'starts/s'.padStart(10)} ${'p50 ms'.padStart(9)} ${'p99 ms'.padStart(9)} ${`p50 +${LATENCY}ms`.padStart(14)} ${'round trips'.padStart(12)}`)
    console.log(row('service', fastService, throughputService, slowService, fastService))
    console.log(row('baseline', fastBaseline, throughputBaseline, slowBaseline, fastBaseline))
    console.log(
      `\nservice/baseline: ${(throughputService.perSecond / throughputBaseline.perSecond).toFixed(2)}× starts per second, ` +
        `p50 ${(fastBaseline.p50 / fastService.p50).toFixed(2)}× faster, ` +
        `${(slowBaseline.p50 / slowService.p50).toFixed(2)}× faster with ${LATENCY} ms wallet latency`
    )
    console.log(
      `sequential wallet round trips on the critical path: service ${Math.round(trips(slowService, fastService))} (warm caches: incoming payment → quote → grant), ` +
        `baseline ${Math.round(trips(slowBaseline, fastBaseline))}`
    )
  } finally {
    await h.close()
  }
}

main().catch((error: unknown) => {
  console.error(error)
  process.exit(1)
})
