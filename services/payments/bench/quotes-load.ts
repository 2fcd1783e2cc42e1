/**
 * The load of `npm run bench:payments`: the two ways of starting a payment that the bench compares, and
 * how a run of them is measured. Runs in the driver's process (bench/quotes-start.ts); the servers are in
 * processes of their own, so this process's CPU is the client's own: next to nothing for the service
 * (one HTTP request), the SDK's signing and response validation for the naive flow.
 */
import { randomBytes } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { createAuthenticatedClient, isFinalizedGrantWithAccessToken } from '@interledger/open-payments'

export interface LoadTarget {
  paymentsUrl: string
  token: string
  sandboxUrl: string
  sandboxAdminToken: string
  buyerUrl: string
  seller: { url: string; keyId: string; privateKeyPath: string }
}

export interface Stats {
  n: number
  p50: number
  p99: number
  /** The slowest: the p99 of fewer than 100 samples is this one. */
  max: number
  perSecond: number
}

function percentile(sorted: number[], p: number) {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!
}

/** Runs `n` operations, `concurrency` at a time; returns latency percentiles and throughput. */
export async function measure(n: number, concurrency: number, op: (i: number) => Promise<void>): Promise<Stats> {
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
  return { n, p50: percentile(latencies, 50), p99: percentile(latencies, 99), max: latencies[latencies.length - 1]!, perSecond: n / elapsed }
}

export async function createLoad(target: LoadTarget) {
  const run = randomBytes(3).toString('hex')
  // The SDK example creates its client once; so does the baseline.
  const client = await createAuthenticatedClient({
    walletAddressUrl: target.seller.url,
    keyId: target.seller.keyId,
    privateKey: readFileSync(target.seller.privateKeyPath, 'utf8'),
    useHttp: true,
    validateResponses: true
  })

  return {
    /** Every Open Payments request the sandbox answers waits `latencyMs` first (a distant wallet). */
    async setLatency(latencyMs: number) {
      const r = await fetch(`${target.sandboxUrl}/admin/faults`, {
        method: 'PUT',
        headers: { authorization: `Bearer ${target.sandboxAdminToken}`, 'content-type': 'application/json' },
        body: JSON.stringify({ latencyMs })
      })
      if (!r.ok) throw new Error(`sandbox faults: ${r.status}`)
    },

    /** POST /offers/:id/quotes/start of the payments service, a new offer each time. */
    async service(i: number, tag: string) {
      const r = await fetch(`${target.paymentsUrl}/offers/bench-${run}-${tag}-${i}/quotes/start`, {
        method: 'POST',
        headers: { authorization: `Bearer ${target.token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ sellerId: 'marketplace', buyerWalletAddressUrl: target.buyerUrl, amount: '1.00' })
      })
      const body = await r.text()
      if (r.status !== 201) throw new Error(`quotes/start answered ${r.status}: ${body}`)
    },

    /** The same Open Payments calls in the naive sequential order of the SDK's peer-to-peer example, nothing cached. */
    async baseline() {
      const sending = await client.walletAddress.get({ url: target.buyerUrl })
      const receiving = await client.walletAddress.get({ url: target.seller.url })
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
  }
}
