import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { sql } from 'drizzle-orm'
import { queryRows } from '@voces/platform'
import { startTestSandbox, type TestSandbox } from '../src/testing.ts'
import { createTestClient, waitFor, wallet, type TestClient } from './helpers.ts'
import { mxn, refusal, resourceClient } from './resource-client.ts'

/**
 * Conformance of the sandbox's resource server (quotes, payments, ledger) with Rafiki, over real
 * HTTP with the official SDK (`validateResponses: true`). Each test names the Rafiki source it follows
 * (interledger/rafiki, packages/backend/src/...). Fees are the sandbox defaults: 0.50 + 1 %.
 */
let sandbox: TestSandbox
let shop: TestClient
const { outgoingToken, incoming, quote, pay, settled, adminWallet, feeAccount } = resourceClient(() => ({ sandbox, shop }))

beforeAll(async () => {
  sandbox = await startTestSandbox()
  shop = await createTestClient(sandbox, 'conf_shop')
})
afterAll(() => sandbox.close())

describe('fees (quote/service.ts, fee/model.ts)', () => {
  test('fixed receive: debitAmount = receive + 0.50 + 1 % (rounded up); fixed send: the fee comes out of debitAmount', async () => {
    const payer = await wallet(sandbox, 'fee_payer', 'MXN', 100_000n)
    const receiver = await wallet(sandbox, 'fee_receiver', 'MXN')
    // Rafiki calculateFixedDeliveryQuoteAmounts: debit = quote.debitAmount + fee.calculate(quote.debitAmount).
    const { payment: twenty } = await incoming(receiver, { incomingAmount: mxn('2000') })
    const fixedReceive = await quote(payer, twenty.id)
    expect(fixedReceive.receiveAmount).toEqual(mxn('2000'))
    expect(fixedReceive.debitAmount).toEqual(mxn('2070'))
    const { payment: open } = await incoming(receiver)
    expect((await quote(payer, open.id, { receiveAmount: mxn('1000') })).debitAmount).toEqual(mxn('1060'))
    // Rafiki createQuote: fixedDebitFee = fee.calculate(debitAmount), quoted on debitAmount - fee; debitAmount stays.
    const fixedSend = await quote(payer, open.id, { debitAmount: mxn('2070') })
    expect(fixedSend.debitAmount).toEqual(mxn('2070'))
    expect(fixedSend.receiveAmount).toEqual(mxn('1999'))
  })

  test('cross-currency fixed send: the fee is taken in the sender asset before conversion', async () => {
    const payer = await wallet(sandbox, 'fee_usd_payer', 'USD', 100_000n)
    const receiver = await wallet(sandbox, 'fee_mxn_receiver', 'MXN')
    const { payment } = await incoming(receiver)
    // 10.00 USD - (0.10 + 0.50) = 9.40 USD = 188.00 MXN at 20 MXN/USD.
    const q = await quote(payer, payment.id, { debitAmount: { value: '1000', assetCode: 'USD', assetScale: 2 } })
    expect(q.debitAmount).toEqual({ value: '1000', assetCode: 'USD', assetScale: 2 })
    expect(q.receiveAmount).toEqual(mxn('18800'))
  })

  test('a quote that leaves nothing after fees is refused 400 "non-positive receive amount" with minSendAmount', async () => {
    const payer = await wallet(sandbox, 'fee_small_payer', 'MXN', 10_000n)
    const receiver = await wallet(sandbox, 'fee_small_receiver', 'MXN')
    const { payment } = await incoming(receiver)
    // Rafiki QuoteErrorCode.NonPositiveReceiveAmount with details.minSendAmount (calculateMinSendAmount):
    // ceil((1 + 50) / (1 - 0.01)) = 52.
    expect(await refusal(quote(payer, payment.id, { debitAmount: mxn('51') }))).toEqual({
      status: 400,
      code: '400',
      description: 'non-positive receive amount',
      details: { minSendAmount: mxn('52') }
    })
    expect((await quote(payer, payment.id, { debitAmount: mxn('52') })).receiveAmount).toEqual(mxn('1'))
  })

  test('a quote expires with its incoming payment when that comes first (calculateExpiry)', async () => {
    const payer = await wallet(sandbox, 'fee_exp_payer', 'MXN', 10_000n)
    const receiver = await wallet(sandbox, 'fee_exp_receiver', 'MXN')
    const expiresAt = new Date(sandbox.clock.now().getTime() + 60_000).toISOString()
    const { payment } = await incoming(receiver, { incomingAmount: mxn('100'), expiresAt })
    expect((await quote(payer, payment.id)).expiresAt).toBe(payment.expiresAt)
  })
})

describe('sending (outgoing/lifecycle.ts, payment-method/local/service.ts)', () => {
  test('a completed payment has sentAmount = debitAmount minus fees; the fee goes to the fee account', async () => {
    const payer = await wallet(sandbox, 'send_payer', 'MXN', 100_000n)
    const receiver = await wallet(sandbox, 'send_receiver', 'MXN')
    const { payment: target, token: ipToken } = await incoming(receiver, { incomingAmount: mxn('2000') })
    const q = await quote(payer, target.id)
    const token = await outgoingToken(payer, { debitAmount: q.debitAmount, receiver: target.id })
    const feesBefore = await feeAccount('MXN')
    const created = await pay(token, payer, q.id)
    expect(created.sentAmount).toEqual(mxn('0'))
    // Rafiki's local pay sends quote.debitAmountMinusFees: sentAmount never reaches debitAmount.
    const done = await settled(token, created.id)
    expect(done).toMatchObject({ failed: false, debitAmount: mxn('2070'), sentAmount: mxn('2000') })
    expect(await sandbox.admin.balance('send_payer')).toBe(100_000n - 2_070n)
    expect(await feeAccount('MXN')).toBe(feesBefore + 70n)
    // The incoming payment reached its amount: completed, and the receiver credited at once.
    expect(await shop.client.incomingPayment.get({ url: target.id, accessToken: ipToken })).toMatchObject({ completed: true, receivedAmount: mxn('2000') })
    expect(await adminWallet('send_receiver')).toEqual({ balance: 2_000n, pending: 0n })
  })

  test('paying an incoming payment that completed meanwhile completes with nothing sent (handleSending)', async () => {
    const payer = await wallet(sandbox, 'late_payer', 'MXN', 10_000n)
    const receiver = await wallet(sandbox, 'late_receiver', 'MXN')
    const { payment: target, token: ipToken } = await incoming(receiver, { incomingAmount: mxn('500') })
    const q = await quote(payer, target.id)
    const token = await outgoingToken(payer)
    const config = sandbox.sandbox.deps.config
    config.settlementDelayMs = 3_600_000
    try {
      const created = await pay(token, payer, q.id)
      await shop.client.incomingPayment.complete({ url: target.id, accessToken: ipToken })
      config.settlementDelayMs = 50
      const id = created.id.split('/').pop()!
      await waitFor(async () => ((await sandbox.sandbox.deps.outgoingPayments.get(id))?.state === 'sending' ? undefined : true))
      expect(await shop.client.outgoingPayment.get({ url: created.id, accessToken: token })).toMatchObject({ failed: false, sentAmount: mxn('0') })
      expect(await sandbox.admin.balance('late_payer')).toBe(10_000n)
    } finally {
      config.settlementDelayMs = 50
    }
  })
})

describe('outgoing payment from an incoming payment and a debit amount (outgoing/routes.ts, outgoing/service.ts)', () => {
  test('quotes inside and pays, under the grant limits; grantSpent* are the amounts spent before', async () => {
    const payer = await wallet(sandbox, 'direct_payer', 'MXN', 100_000n)
    const receiver = await wallet(sandbox, 'direct_receiver', 'MXN')
    const { payment: target } = await incoming(receiver)
    const token = await outgoingToken(payer, { debitAmount: mxn('1000'), receiver: target.id })
    const first = await shop.client.outgoingPayment.create(
      { url: sandbox.baseUrl, accessToken: token },
      { walletAddress: payer, incomingPayment: target.id, debitAmount: mxn('600') }
    )
    // 6.00 - (0.06 + 0.50) = 5.44 delivered.
    expect(first).toMatchObject({ receiver: target.id, debitAmount: mxn('600'), receiveAmount: mxn('544'), sentAmount: mxn('0') })
    expect(first.quoteId).toMatch(/\/quotes\/[0-9a-f-]{36}$/)
    // Rafiki validateGrantAndAddSpentAmountsToPayment sets the amounts spent before this payment.
    expect(first.grantSpentDebitAmount).toEqual(mxn('0'))
    expect(first.grantSpentReceiveAmount).toEqual(mxn('0'))
    expect(
      await refusal(
        shop.client.outgoingPayment.create({ url: sandbox.baseUrl, accessToken: token }, { walletAddress: payer, incomingPayment: target.id, debitAmount: mxn('600') })
      )
    ).toMatchObject({ status: 403, code: '403', description: 'unauthorized' })
    const second = await shop.client.outgoingPayment.create(
      { url: sandbox.baseUrl, accessToken: token },
      { walletAddress: payer, incomingPayment: target.id, debitAmount: mxn('400') }
    )
    expect(second.grantSpentDebitAmount).toEqual(mxn('600'))
    expect((await settled(token, second.id)).sentAmount).toEqual(mxn('346'))

    const { payment: other } = await incoming(receiver)
    expect(
      await refusal(
        shop.client.outgoingPayment.create({ url: sandbox.baseUrl, accessToken: token }, { walletAddress: payer, incomingPayment: other.id, debitAmount: mxn('100') })
      )
    ).toMatchObject({ status: 403, code: '403' })
  })
})

describe('GET /outgoing-payment-grant (outgoing/service.ts getGrantSpentAmounts)', () => {
  test('both totals, also when the grant limits only the debit amount or nothing; null before any payment', async () => {
    const payer = await wallet(sandbox, 'spent_payer', 'MXN', 100_000n)
    const receiver = await wallet(sandbox, 'spent_receiver', 'MXN')
    const { payment: target } = await incoming(receiver)
    const limited = await outgoingToken(payer, { debitAmount: mxn('5000') })
    expect(await shop.client.outgoingPayment.getGrantSpentAmounts({ url: sandbox.baseUrl, accessToken: limited })).toEqual({
      spentDebitAmount: null,
      spentReceiveAmount: null
    })
    await shop.client.outgoingPayment.create({ url: sandbox.baseUrl, accessToken: limited }, { walletAddress: payer, incomingPayment: target.id, debitAmount: mxn('600') })
    expect(await shop.client.outgoingPayment.getGrantSpentAmounts({ url: sandbox.baseUrl, accessToken: limited })).toEqual({
      spentDebitAmount: mxn('600'),
      spentReceiveAmount: mxn('544')
    })
    const unlimited = await outgoingToken(payer)
    await shop.client.outgoingPayment.create({ url: sandbox.baseUrl, accessToken: unlimited }, { walletAddress: payer, incomingPayment: target.id, debitAmount: mxn('1000') })
    expect(await shop.client.outgoingPayment.getGrantSpentAmounts({ url: sandbox.baseUrl, accessToken: unlimited })).toEqual({
      spentDebitAmount: mxn('1000'),
      spentReceiveAmount: mxn('940')
    })
  })
})

describe('crediting (incoming/service.ts complete and processNext, incoming/model.ts onCredit)', () => {
  async function payInto(name: string, target: string, debit: string) {
    const payer = await wallet(sandbox, name, 'MXN', 100_000n)
    const token = await outgoingToken(payer)
    const created = await pay(token, payer, (await quote(payer, target, { debitAmount: mxn(debit) })).id)
    return settled(token, created.id)
  }

  test('an open-ended incoming payment holds what it receives until the client completes it', async () => {
    const receiver = await wallet(sandbox, 'held_receiver', 'MXN')
    const { payment: target, token } = await incoming(receiver)
    await payInto('held_payer', target.id, '1000')
    expect(await shop.client.incomingPayment.get({ url: target.id, accessToken: token })).toMatchObject({ completed: false, receivedAmount: mxn('940') })
    expect(await adminWallet('held_receiver')).toEqual({ balance: 0n, pending: 940n })
    const completed = await shop.client.incomingPayment.complete({ url: target.id, accessToken: token })
    expect(completed.completed).toBe(true)
    expect(await adminWallet('held_receiver')).toEqual({ balance: 940n, pending: 0n })
  })

  test('an incoming payment that expires credits what it received, once, even with several workers', async () => {
    const receiver = await wallet(sandbox, 'expiry_receiver', 'MXN')
    const expiresAt = new Date(sandbox.clock.now().getTime() + 120_000).toISOString()
    const { payment: target } = await incoming(receiver, { expiresAt })
    await payInto('expiry_payer', target.id, '1000')
    expect(await adminWallet('expiry_receiver')).toEqual({ balance: 0n, pending: 940n })
    sandbox.clock.advance(121_000)
    const incomingPayments = sandbox.sandbox.deps.incomingPayments
    await Promise.all([incomingPayments.settleExpired(), incomingPayments.settleExpired(), incomingPayments.settleExpired()])
    // The sandbox's own worker may be the one that took it (its poller runs too): wait for that credit to commit.
    await expect.poll(() => adminWallet('expiry_receiver')).toEqual({ balance: 940n, pending: 0n })
    await incomingPayments.settleExpired()
    expect(await sandbox.admin.balance('expiry_receiver')).toBe(940n)
    const rows = await queryRows<{ total: string }>(sandbox.sandbox.deps.db, sql`select coalesce(sum(balance), 0)::text as total from sandbox_wallet.ledger_accounts`)
    expect(rows[0]!.total).toBe('0')
  })
})

describe('payment methods (payment-method/provider/service.ts, ilp/stream-credentials/service.ts)', () => {
  test("incoming payments list Rafiki's ilp method on create and on an authenticated GET, none once completed", async () => {
    const receiver = await wallet(sandbox, 'ilp_receiver', 'MXN')
    const otherWallet = await wallet(sandbox, 'ilp_other', 'MXN')
    const { payment: a, token } = await incoming(receiver, { incomingAmount: mxn('100') })
    const { payment: b } = await incoming(receiver)
    const { payment: c } = await incoming(otherWallet)
    const [method] = a.methods
    expect(a.methods).toHaveLength(1)
    expect(method).toEqual({ type: 'ilp', ilpAddress: expect.stringMatching(/^test\.sandbox\.[A-Za-z0-9_-]+$/), sharedSecret: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/) })
    // A stable address per wallet address, a secret per incoming payment.
    expect(b.methods[0]!.ilpAddress).toBe(method!.ilpAddress)
    expect(c.methods[0]!.ilpAddress).not.toBe(method!.ilpAddress)
    expect(b.methods[0]!.sharedSecret).not.toBe(method!.sharedSecret)
    expect((await shop.client.incomingPayment.get({ url: a.id, accessToken: token })).methods).toEqual([method])
    const pub = (await (await fetch(a.id)).json()) as Record<string, unknown>
    expect(pub).not.toHaveProperty('methods')
    await shop.client.incomingPayment.complete({ url: a.id, accessToken: token })
    expect((await shop.client.incomingPayment.get({ url: a.id, accessToken: token })).methods).toEqual([])
  })
})
