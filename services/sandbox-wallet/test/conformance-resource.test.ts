import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { sql } from 'drizzle-orm'
import { queryRows } from '@voces/platform'
import { createAuthenticatedClient } from '@interledger/open-payments'
import { generateKey } from '@interledger/http-signature-utils'
import { startTestSandbox, type TestSandbox } from '../src/testing.ts'
import { createTestClient, nonInteractiveToken, waitFor, wallet, type TestClient } from './helpers.ts'
import { mxn, refusal, resourceClient } from './resource-client.ts'

/**
 * Conformance of the sandbox's resource server (quotes, payments, ledger) with Rafiki, over real
 * HTTP with the official SDK (`validateResponses: true`). Each test names the Rafiki source it follows
 * (interledger/rafiki, packages/backend/src/...). Fees are the sandbox defaults: 0.50 + 1 %.
 */
let sandbox: TestSandbox
let shop: TestClient
let authServer: string
const { outgoingToken, incoming, quote, pay, settled, adminWallet, feeAccount } = resourceClient(() => ({ sandbox, shop }))

beforeAll(async () => {
  sandbox = await startTestSandbox()
  shop = await createTestClient(sandbox, 'conf_shop')
  authServer = `${sandbox.baseUrl}/auth`
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
    expect(await adminWallet('expiry_receiver')).toEqual({ balance: 940n, pending: 0n })
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

describe('error bodies (route-errors.ts, wallet_address/middleware.ts, each resource errors.ts)', () => {
  test('unknown and foreign resources', async () => {
    const receiver = await wallet(sandbox, 'err_receiver', 'MXN')
    const { payment: mine } = await incoming(receiver)
    const { token } = await incoming(receiver)
    const id = randomUUID()
    expect(await refusal(shop.client.incomingPayment.get({ url: `${sandbox.baseUrl}/incoming-payments/${id}`, accessToken: token }))).toEqual({
      status: 401,
      code: '401',
      description: 'Unauthorized',
      details: { description: 'Failed to get wallet address from incoming payment', id }
    })
    const stranger = await createTestClient(sandbox, 'err_stranger')
    const strangerToken = await nonInteractiveToken(stranger, authServer, 'incoming-payment')
    const mineId = mine.id.split('/').pop()!
    expect(await refusal(stranger.client.incomingPayment.get({ url: mine.id, accessToken: strangerToken.value }))).toEqual({
      status: 404,
      code: '404',
      description: 'Incoming payment does not exist',
      details: { id: mineId }
    })
    const quoteToken = await nonInteractiveToken(shop, authServer, 'quote')
    expect(await refusal(shop.client.quote.get({ url: `${sandbox.baseUrl}/quotes/${id}`, accessToken: quoteToken.value }))).toMatchObject({
      status: 401,
      code: '401',
      details: { description: 'Failed to get wallet address from quote', id }
    })
  })

  test('quotes: unknown, foreign, used and expired; receivers and amounts', async () => {
    const payer = await wallet(sandbox, 'errq_payer', 'MXN', 100_000n)
    const otherPayer = await wallet(sandbox, 'errq_other', 'MXN', 100_000n)
    const receiver = await wallet(sandbox, 'errq_receiver', 'MXN')
    const { payment: target, token: ipToken } = await incoming(receiver)
    const token = await outgoingToken(payer)
    const invalidQuote = { status: 400, code: '400', description: 'invalid quote' }
    expect(await refusal(pay(token, payer, `${sandbox.baseUrl}/quotes/${randomUUID()}`))).toMatchObject({ status: 404, code: '404', description: 'unknown quote' })
    expect(await refusal(pay(token, payer, (await quote(otherPayer, target.id, { debitAmount: mxn('100') })).id))).toMatchObject(invalidQuote)
    const once = await quote(payer, target.id, { debitAmount: mxn('100') })
    await pay(token, payer, once.id)
    expect(await refusal(pay(token, payer, once.id))).toMatchObject(invalidQuote)
    // Expired: a quote lives no longer than its incoming payment; move the clock past it.
    const soon = await incoming(receiver, { expiresAt: new Date(sandbox.clock.now().getTime() + 30_000).toISOString() })
    const stale = await quote(payer, soon.payment.id, { debitAmount: mxn('100') })
    sandbox.clock.advance(31_000)
    expect(await refusal(pay(token, payer, stale.id))).toMatchObject(invalidQuote)

    expect(await refusal(quote(payer, target.id, { debitAmount: { value: '100', assetCode: 'USD', assetScale: 2 } }))).toMatchObject({
      status: 400,
      code: '400',
      description: 'invalid amount'
    })
    await shop.client.incomingPayment.complete({ url: target.id, accessToken: ipToken })
    expect(await refusal(quote(payer, target.id, { debitAmount: mxn('100') }))).toMatchObject({ status: 400, code: '400', description: 'invalid receiver' })
    // Completing it again: Rafiki IncomingPaymentError.WrongState.
    expect(await refusal(shop.client.incomingPayment.complete({ url: target.id, accessToken: ipToken }))).toMatchObject({
      status: 409,
      code: '409',
      description: 'wrong state'
    })
  })

  test('grant limits exceeded: 403 "unauthorized"; a token for another wallet: 403 "Insufficient Grant"', async () => {
    const payer = await wallet(sandbox, 'errg_payer', 'MXN', 100_000n)
    const otherPayer = await wallet(sandbox, 'errg_other', 'MXN', 100_000n)
    const receiver = await wallet(sandbox, 'errg_receiver', 'MXN')
    const { payment: target } = await incoming(receiver)
    const token = await outgoingToken(payer, { debitAmount: mxn('100') })
    expect(await refusal(pay(token, payer, (await quote(payer, target.id, { debitAmount: mxn('101') })).id))).toEqual({
      status: 403,
      code: '403',
      description: 'unauthorized',
      details: undefined
    })
    expect(await refusal(pay(token, otherPayer, (await quote(otherPayer, target.id, { debitAmount: mxn('100') })).id))).toMatchObject({
      status: 403,
      code: '403',
      description: 'Insufficient Grant'
    })
  })
})

describe('incoming payment expiry (incoming/service.ts createIncomingPayment)', () => {
  test('no expiresAt gets the 30-day default; more than 30 days is refused 400 "invalid expiresAt"', async () => {
    const receiver = await wallet(sandbox, 'exp_receiver', 'MXN')
    const { payment } = await incoming(receiver)
    const lifetime = Date.parse(payment.expiresAt!) - Date.parse(payment.createdAt)
    expect(Math.abs(lifetime - 30 * 86_400_000)).toBeLessThan(1_000)
    const tooLate = new Date(sandbox.clock.now().getTime() + 31 * 86_400_000).toISOString()
    expect(await refusal(incoming(receiver, { expiresAt: tooLate }))).toMatchObject({ status: 400, code: '400', description: 'invalid expiresAt' })
  })
})

describe('quote ids (outgoing/routes.ts createOutgoingPayment)', () => {
  test('quoteId is read by its last path segment, with or without a trailing slash', async () => {
    const payer = await wallet(sandbox, 'qid_payer', 'MXN', 100_000n)
    const receiver = await wallet(sandbox, 'qid_receiver', 'MXN')
    const { payment: target } = await incoming(receiver)
    const token = await outgoingToken(payer)
    const a = await quote(payer, target.id, { debitAmount: mxn('100') })
    const elsewhere = `https://elsewhere.example/some/prefix/quotes/${a.id.split('/').pop()}`
    expect((await pay(token, payer, elsewhere)).quoteId).toBe(a.id)
    const b = await quote(payer, target.id, { debitAmount: mxn('100') })
    expect((await pay(token, payer, `${b.id}/`)).quoteId).toBe(b.id)
  })
})

describe('token introspection (open_payments/auth/middleware.ts createTokenIntrospectionMiddleware)', () => {
  test('an unknown, expired, rotated or revoked token is 403 "Inactive Token", pointing to the auth server', async () => {
    const receiver = await wallet(sandbox, 'inactive_receiver', 'MXN')
    const create = (token: string) => incomingPaymentWith(token, receiver)
    const inactive = { status: 403, code: '403', description: 'Inactive Token', details: undefined }

    expect(await refusal(create('no-such-token'))).toEqual(inactive)
    const rotatedAway = await nonInteractiveToken(shop, authServer, 'incoming-payment')
    const rotated = (await shop.client.token.rotate({ url: rotatedAway.manage, accessToken: rotatedAway.value })).access_token
    expect(await refusal(create(rotatedAway.value))).toEqual(inactive)
    await shop.client.token.revoke({ url: rotated.manage, accessToken: rotated.value })
    expect(await refusal(create(rotated.value))).toEqual(inactive)
    const expiring = await nonInteractiveToken(shop, authServer, 'incoming-payment')
    sandbox.clock.advance((expiring.expires_in ?? 0) * 1000 + 1_000)
    expect(await refusal(create(expiring.value))).toEqual(inactive)

    // Every refusal of the token middleware names the auth server (a public read needs no signature).
    const { payment } = await incoming(receiver)
    const read = await fetch(payment.id, { headers: { authorization: 'GNAP no-such-token', accept: 'application/json' } })
    expect(read.status).toBe(403)
    expect(read.headers.get('www-authenticate')).toBe(`GNAP as_uri=${authServer}`)
  })
})

describe('request validation (app.ts createValidatorMiddleware first, route-errors.ts OpenAPIValidatorMiddlewareError)', () => {
  test('a request that fails the spec is 400 with the status as code and the validator message, before the token', async () => {
    const receiver = await wallet(sandbox, 'spec_receiver', 'MXN')
    const badAmount = { walletAddress: receiver, incomingAmount: { value: 'ten', assetCode: 'MXN', assetScale: 2 } }
    // An inactive token too: the validator answers before the token is introspected.
    expect(await refusal(shop.client.incomingPayment.create({ url: sandbox.baseUrl, accessToken: 'no-such-token' }, badAmount))).toEqual({
      status: 400,
      code: '400',
      description: 'Received error validating OpenAPI request: body.incomingAmount.value must match format "uint64"',
      details: undefined
    })
    // The spec requires Signature and Signature-Input on every call that needs a token.
    const token = await nonInteractiveToken(shop, authServer, 'incoming-payment')
    const unsigned = await fetch(`${sandbox.baseUrl}/incoming-payments`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json', authorization: `GNAP ${token.value}` },
      body: JSON.stringify({ walletAddress: receiver })
    })
    expect(unsigned.status).toBe(400)
    expect(await unsigned.json()).toEqual({
      error: { code: '400', description: "Received error validating OpenAPI request: must have required property 'signature-input'" }
    })
    // The validator asks first whether the client accepts JSON.
    const { payment } = await incoming(receiver)
    const html = await fetch(payment.id, { headers: { accept: 'text/html' } })
    expect(html.status).toBe(406)
    expect(await html.json()).toEqual({ error: { code: '406', description: 'Received error validating OpenAPI request: Must accept application/json' } })
  })
})

describe('signatures (open_payments/auth/middleware.ts throwIfSignatureInvalid)', () => {
  test('a key id the client JWKS lacks is 401 "could not find key in list of client keys", with the keys', async () => {
    const receiver = await wallet(sandbox, 'sig_receiver', 'MXN')
    const token = await nonInteractiveToken(shop, authServer, 'incoming-payment')
    const keyId = `unlisted-${randomUUID()}`
    const impostor = await createAuthenticatedClient({ walletAddressUrl: shop.walletAddressUrl, keyId, privateKey: generateKey(), useHttp: true })
    const { keys } = await shop.client.walletAddress.getKeys({ url: shop.walletAddressUrl })
    expect(await refusal(impostor.incomingPayment.create({ url: sandbox.baseUrl, accessToken: token.value }, { walletAddress: receiver }))).toEqual({
      status: 401,
      code: '401',
      description: 'Signature validation error: could not find key in list of client keys',
      details: { client: shop.walletAddressUrl, keyIdInSignature: keyId, clientKeys: keys }
    })
    // The listed key id with another private key: found, and the signature does not verify.
    const forger = await createAuthenticatedClient({ walletAddressUrl: shop.walletAddressUrl, keyId: shop.keyId, privateKey: generateKey(), useHttp: true })
    expect(await refusal(forger.incomingPayment.create({ url: sandbox.baseUrl, accessToken: token.value }, { walletAddress: receiver }))).toEqual({
      status: 401,
      code: '401',
      description: 'Signature validation error: provided signature is invalid',
      details: { keyIdInSignature: shop.keyId, client: shop.walletAddressUrl }
    })
  })
})

function incomingPaymentWith(accessToken: string, walletAddress: string) {
  return shop.client.incomingPayment.create({ url: sandbox.baseUrl, accessToken }, { walletAddress })
}
