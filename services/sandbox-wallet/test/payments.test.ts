import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { sql } from 'drizzle-orm'
import { isFinalizedGrantWithAccessToken, type PendingGrant } from '@interledger/open-payments'
import { queryRows } from '@voces/platform'
import { startTestSandbox, type TestSandbox } from '../src/testing.ts'
import { createTestClient, nonInteractiveToken, waitFor, wallet, type TestClient } from './helpers.ts'

let sandbox: TestSandbox
let shop: TestClient
let authServer: string

beforeAll(async () => {
  sandbox = await startTestSandbox()
  shop = await createTestClient(sandbox, 'pay_shop')
  authServer = `${sandbox.baseUrl}/auth`
})
afterAll(() => sandbox.close())

type Limits = { debitAmount?: { value: string; assetCode: string; assetScale: number }; receiver?: string; interval?: string }

/** An approved, continued outgoing-payment grant on `payer`: its access token. */
async function outgoingToken(payerUrl: string, limits: Limits) {
  const grant = (await shop.client.grant.request(
    { url: authServer },
    {
      access_token: { access: [{ type: 'outgoing-payment', actions: ['create', 'read', 'list'], identifier: payerUrl, limits: limits as never }] },
      interact: { start: ['redirect'], finish: { method: 'redirect', uri: 'http://shop.test/finish', nonce: randomUUID() } }
    }
  )) as PendingGrant
  const finish = new URL(await sandbox.approveConsent(grant.interact.redirect))
  const continued = await shop.client.grant.continue(
    { url: grant.continue.uri, accessToken: grant.continue.access_token.value },
    { interact_ref: finish.searchParams.get('interact_ref')! }
  )
  if (!isFinalizedGrantWithAccessToken(continued)) throw new Error('no token')
  return continued.access_token.value
}

async function openIncoming(receiverUrl: string, amount?: { value: string; assetCode: string; assetScale: number }) {
  const token = await nonInteractiveToken(shop, authServer, 'incoming-payment')
  return shop.client.incomingPayment.create(
    { url: sandbox.baseUrl, accessToken: token.value },
    { walletAddress: receiverUrl, ...(amount ? { incomingAmount: amount } : {}) }
  )
}

async function quote(payerUrl: string, receiver: string, debit?: string) {
  const token = await nonInteractiveToken(shop, authServer, 'quote')
  return shop.client.quote.create(
    { url: sandbox.baseUrl, accessToken: token.value },
    { walletAddress: payerUrl, receiver, method: 'ilp', ...(debit ? { debitAmount: { value: debit, assetCode: 'MXN', assetScale: 2 } } : {}) }
  )
}

// With fees, sentAmount (debitAmount minus fees) never reaches debitAmount: wait for anything sent, or failure.
const settled = (accessToken: string, id: string) =>
  waitFor(async () => {
    const p = await shop.client.outgoingPayment.get({ url: id, accessToken })
    return p.failed || p.sentAmount.value !== '0' ? p : undefined
  })

describe('outgoing payments', () => {
  test('grant debit limits hold across several payments: the one that would exceed them is refused 403', async () => {
    const payer = await wallet(sandbox, 'limit_payer', 'MXN', 10_000n)
    const receiver = await wallet(sandbox, 'limit_receiver', 'MXN')
    const incoming = await openIncoming(receiver)
    const token = await outgoingToken(payer, { debitAmount: { value: '1000', assetCode: 'MXN', assetScale: 2 }, receiver: incoming.id })
    const first = await shop.client.outgoingPayment.create(
      { url: sandbox.baseUrl, accessToken: token },
      { walletAddress: payer, quoteId: (await quote(payer, incoming.id, '600')).id }
    )
    // Rafiki answers what the grant spent before this payment.
    expect(first.grantSpentDebitAmount?.value).toBe('0')
    await expect(
      shop.client.outgoingPayment.create({ url: sandbox.baseUrl, accessToken: token }, { walletAddress: payer, quoteId: (await quote(payer, incoming.id, '600')).id })
    ).rejects.toMatchObject({ status: 403 })
    const third = await shop.client.outgoingPayment.create(
      { url: sandbox.baseUrl, accessToken: token },
      { walletAddress: payer, quoteId: (await quote(payer, incoming.id, '400')).id }
    )
    expect(third.grantSpentDebitAmount?.value).toBe('600')
  })

  test('a payment to a receiver other than the grant allows is refused 403', async () => {
    const payer = await wallet(sandbox, 'recv_payer', 'MXN', 10_000n)
    const receiver = await wallet(sandbox, 'recv_receiver', 'MXN')
    const allowed = await openIncoming(receiver)
    const other = await openIncoming(receiver)
    const token = await outgoingToken(payer, { receiver: allowed.id })
    await expect(
      shop.client.outgoingPayment.create({ url: sandbox.baseUrl, accessToken: token }, { walletAddress: payer, quoteId: (await quote(payer, other.id, '100')).id })
    ).rejects.toMatchObject({ status: 403 })
  })

  test('a quote pays once, and an expired quote is refused 400', async () => {
    const payer = await wallet(sandbox, 'expiry_payer', 'MXN', 10_000n)
    const receiver = await wallet(sandbox, 'expiry_receiver', 'MXN')
    const incoming = await openIncoming(receiver)
    const token = await outgoingToken(payer, {})
    const q = await quote(payer, incoming.id, '100')
    await shop.client.outgoingPayment.create({ url: sandbox.baseUrl, accessToken: token }, { walletAddress: payer, quoteId: q.id })
    await expect(
      shop.client.outgoingPayment.create({ url: sandbox.baseUrl, accessToken: token }, { walletAddress: payer, quoteId: q.id })
    ).rejects.toMatchObject({ status: 400 })

    const short = await quote(payer, incoming.id, '100')
    sandbox.clock.advance(301_000)
    await expect(
      shop.client.outgoingPayment.create({ url: sandbox.baseUrl, accessToken: token }, { walletAddress: payer, quoteId: short.id })
    ).rejects.toMatchObject({ status: 400 })
  })

  test('insufficient balance: the payment is created, then fails; no money moves', async () => {
    const payer = await wallet(sandbox, 'poor_payer', 'MXN', 100n)
    const receiver = await wallet(sandbox, 'poor_receiver', 'MXN')
    const incoming = await openIncoming(receiver, { value: '5000', assetCode: 'MXN', assetScale: 2 })
    const token = await outgoingToken(payer, {})
    const payment = await shop.client.outgoingPayment.create(
      { url: sandbox.baseUrl, accessToken: token },
      { walletAddress: payer, quoteId: (await quote(payer, incoming.id)).id }
    )
    const done = await settled(token, payment.id)
    expect(done.failed).toBe(true)
    expect(done.sentAmount.value).toBe('0')
    expect(await sandbox.admin.balance('poor_payer')).toBe(100n)
    expect(await sandbox.admin.balance('poor_receiver')).toBe(0n)
  })

  test('cross-currency: USD payer, EUR receiver, at the fixed rate with the fee visible in the debit', async () => {
    const payer = await wallet(sandbox, 'usd_payer', 'USD', 100_000n)
    const receiver = await wallet(sandbox, 'eur_receiver', 'EUR')
    const incoming = await openIncoming(receiver, { value: '10000', assetCode: 'EUR', assetScale: 2 })
    const q = await quote(payer, incoming.id)
    // 100.00 EUR = 108.00 USD; fee 0.50 + 1% = 1.58 USD.
    expect(q.receiveAmount).toEqual({ value: '10000', assetCode: 'EUR', assetScale: 2 })
    expect(q.debitAmount).toEqual({ value: '10958', assetCode: 'USD', assetScale: 2 })
    const token = await outgoingToken(payer, { debitAmount: q.debitAmount, receiver: incoming.id })
    const payment = await shop.client.outgoingPayment.create({ url: sandbox.baseUrl, accessToken: token }, { walletAddress: payer, quoteId: q.id })
    expect(await settled(token, payment.id)).toMatchObject({ failed: false, sentAmount: { value: '10800', assetCode: 'USD', assetScale: 2 } })
    expect(await sandbox.admin.balance('usd_payer')).toBe(100_000n - 10_958n)
    expect(await sandbox.admin.balance('eur_receiver')).toBe(10_000n)
  })

  test('an interval limit resets each period: a limit for a window that has not started refuses payment', async () => {
    const payer = await wallet(sandbox, 'interval_payer', 'MXN', 10_000n)
    const receiver = await wallet(sandbox, 'interval_receiver', 'MXN')
    const incoming = await openIncoming(receiver)
    const future = new Date(sandbox.clock.now().getTime() + 86_400_000).toISOString()
    const token = await outgoingToken(payer, { interval: `R/${future}/P1D`, debitAmount: { value: '500', assetCode: 'MXN', assetScale: 2 } })
    await expect(
      shop.client.outgoingPayment.create({ url: sandbox.baseUrl, accessToken: token }, { walletAddress: payer, quoteId: (await quote(payer, incoming.id, '100')).id })
    ).rejects.toMatchObject({ status: 403 })
    const current = await outgoingToken(payer, { interval: `R/${new Date(sandbox.clock.now().getTime() - 1000).toISOString()}/P1D`, debitAmount: { value: '500', assetCode: 'MXN', assetScale: 2 } })
    await shop.client.outgoingPayment.create({ url: sandbox.baseUrl, accessToken: current }, { walletAddress: payer, quoteId: (await quote(payer, incoming.id, '100')).id })
  })
})

describe('incoming payments', () => {
  test('list pages newest first with cursors; read without read-all only sees the client\'s own', async () => {
    const receiver = await wallet(sandbox, 'list_receiver', 'MXN')
    const created = []
    for (let i = 0; i < 5; i++) created.push(await openIncoming(receiver))
    const token = await nonInteractiveToken(shop, authServer, 'incoming-payment')
    const first = await shop.client.incomingPayment.list({ url: sandbox.baseUrl, accessToken: token.value, walletAddress: receiver }, { first: 2 } as never)
    expect(first.result.map((p) => p.id)).toEqual([created[4]!.id, created[3]!.id])
    expect(first.pagination.hasNextPage).toBe(true)
    const second = await shop.client.incomingPayment.list(
      { url: sandbox.baseUrl, accessToken: token.value, walletAddress: receiver },
      { first: 2, cursor: first.pagination.endCursor! } as never
    )
    expect(second.result.map((p) => p.id)).toEqual([created[2]!.id, created[1]!.id])
    expect(second.pagination.hasPreviousPage).toBe(true)

    const stranger = await createTestClient(sandbox, 'list_stranger')
    const strangerToken = await nonInteractiveToken(stranger, authServer, 'incoming-payment')
    const seen = await stranger.client.incomingPayment.list({ url: sandbox.baseUrl, accessToken: strangerToken.value, walletAddress: receiver }, { first: 10 } as never)
    expect(seen.result).toEqual([])
    await expect(stranger.client.incomingPayment.get({ url: created[0]!.id, accessToken: strangerToken.value })).rejects.toMatchObject({ status: 404 })
    // The public form is open to anyone, as payers' wallets need it.
    const pub = await stranger.client.incomingPayment.getPublic({ url: created[0]!.id })
    expect(pub.authServer).toBe(authServer)
  })

  test('complete ends an incoming payment; quoting to it is then refused', async () => {
    const payer = await wallet(sandbox, 'complete_payer', 'MXN', 1_000n)
    const receiver = await wallet(sandbox, 'complete_receiver', 'MXN')
    const incoming = await openIncoming(receiver, { value: '500', assetCode: 'MXN', assetScale: 2 })
    const token = await nonInteractiveToken(shop, authServer, 'incoming-payment')
    const completed = await shop.client.incomingPayment.complete({ url: incoming.id, accessToken: token.value })
    expect(completed.completed).toBe(true)
    await expect(quote(payer, incoming.id)).rejects.toMatchObject({ status: 400 })
  })
})

test('the ledger balances: every account sums to zero and no wallet is below zero', async () => {
  const rows = await queryRows<{ total: string; negative: string }>(
    sandbox.sandbox.deps.db,
    sql`select coalesce(sum(balance), 0)::text as total, count(*) filter (where kind = 'wallet' and balance < 0)::text as negative from sandbox_wallet.ledger_accounts`
  )
  expect(rows[0]).toEqual({ total: '0', negative: '0' })
})
