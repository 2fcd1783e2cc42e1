import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { createAuthenticatedClient } from '@interledger/open-payments'
import { generateKey } from '@interledger/http-signature-utils'
import { startTestSandbox, type TestSandbox } from '../src/testing.ts'
import { createTestClient, nonInteractiveToken, wallet, type TestClient } from './helpers.ts'
import { mxn, refusal, resourceClient } from './resource-client.ts'

/**
 * Conformance of the sandbox's resource server with Rafiki where it refuses: error bodies, expiry
 * bounds, token introspection, request validation and signatures — over real HTTP with the official
 * SDK. Each test names the Rafiki source it follows (interledger/rafiki, packages/backend/src/...).
 * The sending and crediting side is in conformance-resource.test.ts.
 */
let sandbox: TestSandbox
let shop: TestClient
let authServer: string
const { outgoingToken, incoming, quote, pay } = resourceClient(() => ({ sandbox, shop }))

beforeAll(async () => {
  sandbox = await startTestSandbox()
  shop = await createTestClient(sandbox, 'conf_shop')
  authServer = `${sandbox.baseUrl}/auth`
})
afterAll(() => sandbox.close())

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
