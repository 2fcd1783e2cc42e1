import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { createAuthenticatedClient, isFinalizedGrantWithAccessToken, type PendingGrant } from '@interledger/open-payments'
import { generateKey } from '@interledger/http-signature-utils'
import { startTestSandbox, type TestSandbox } from '../src/testing.ts'
import { createTestClient, nonInteractiveToken, wallet, type TestClient } from './helpers.ts'

let sandbox: TestSandbox
let shop: TestClient
let buyerUrl: string
let authServer: string

beforeAll(async () => {
  sandbox = await startTestSandbox()
  shop = await createTestClient(sandbox, 'grants_shop')
  buyerUrl = await wallet(sandbox, 'grants_buyer', 'MXN', 10_000n)
  authServer = (await shop.client.walletAddress.get({ url: buyerUrl })).authServer
})
afterAll(() => sandbox.close())

const config = () => sandbox.sandbox.deps.config

function interactiveGrant(c: TestClient = shop) {
  return c.client.grant.request(
    { url: authServer },
    {
      access_token: {
        access: [{ type: 'outgoing-payment', actions: ['create', 'read'], identifier: buyerUrl, limits: { debitAmount: { value: '100', assetCode: 'MXN', assetScale: 2 } } }]
      },
      interact: { start: ['redirect'], finish: { method: 'redirect', uri: 'http://shop.test/finish', nonce: randomUUID() } }
    }
  ) as Promise<PendingGrant>
}

describe('client authentication', () => {
  test('a grant request signed under the client key id with another private key is refused 401 invalid_client', async () => {
    const impostor = await createAuthenticatedClient({
      walletAddressUrl: shop.walletAddressUrl,
      keyId: shop.keyId,
      privateKey: generateKey(),
      useHttp: true
    })
    await expect(
      impostor.grant.request({ url: authServer }, { access_token: { access: [{ type: 'quote', actions: ['create'] }] } })
    ).rejects.toMatchObject({ status: 401, code: 'invalid_client', description: 'invalid signature' })
  })

  test('a grant request without any signature is refused 401', async () => {
    const response = await fetch(authServer, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ client: shop.walletAddressUrl, access_token: { access: [{ type: 'quote', actions: ['create'] }] } })
    })
    expect(response.status).toBe(401)
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('invalid_client')
  })

  test('a resource request with a valid token but no signature fails the spec: 400 before the token is looked at', async () => {
    const token = await nonInteractiveToken(shop, authServer, 'incoming-payment')
    const response = await fetch(`${sandbox.baseUrl}/incoming-payments`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `GNAP ${token.value}` },
      body: JSON.stringify({ walletAddress: buyerUrl })
    })
    expect(response.status).toBe(400)
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('400')
  })
})

describe('interactive grants', () => {
  test('outgoing-payment grants always need interaction', async () => {
    await expect(
      shop.client.grant.request(
        { url: authServer },
        { access_token: { access: [{ type: 'outgoing-payment', actions: ['create'], identifier: buyerUrl }] } }
      )
    ).rejects.toMatchObject({ status: 400, code: 'invalid_request' })
  })

  test('continuing before `wait` has passed is answered too_fast; after it, the grant continues', async () => {
    config().grantWaitSeconds = 1
    try {
      const grant = await interactiveGrant()
      expect(grant.continue.wait).toBe(1)
      const finish = new URL(await sandbox.approveConsent(grant.interact.redirect))
      const continueArgs = [
        { url: grant.continue.uri, accessToken: grant.continue.access_token.value },
        { interact_ref: finish.searchParams.get('interact_ref')! }
      ] as const
      await expect(shop.client.grant.continue(...continueArgs)).rejects.toMatchObject({ status: 400, code: 'too_fast' })
      sandbox.clock.advance(1_100)
      expect(isFinalizedGrantWithAccessToken(await shop.client.grant.continue(...continueArgs))).toBe(true)
      // The grant is issued once: a replayed continuation is refused (Rafiki: 401 request_denied).
      await expect(shop.client.grant.continue(...continueArgs)).rejects.toMatchObject({ status: 401, code: 'request_denied' })
    } finally {
      config().grantWaitSeconds = 0
    }
  })

  test('a wrong interact_ref is refused and the grant stays usable', async () => {
    const grant = await interactiveGrant()
    const finish = new URL(await sandbox.approveConsent(grant.interact.redirect))
    const where = { url: grant.continue.uri, accessToken: grant.continue.access_token.value }
    await expect(shop.client.grant.continue(where, { interact_ref: randomUUID() })).rejects.toMatchObject({ status: 404, code: 'invalid_continuation' })
    const ok = await shop.client.grant.continue(where, { interact_ref: finish.searchParams.get('interact_ref')! })
    expect(isFinalizedGrantWithAccessToken(ok)).toBe(true)
  })

  test('the continuation token of another grant cannot continue this one', async () => {
    const [a, b] = await Promise.all([interactiveGrant(), interactiveGrant()])
    await expect(
      shop.client.grant.continue({ url: a.continue.uri, accessToken: b.continue.access_token.value }, { interact_ref: 'x' })
    ).rejects.toMatchObject({ status: 401, code: 'invalid_continuation' })
  })

  test('an interaction that expired cannot be approved and sends the person back with invalid_interaction', async () => {
    const grant = await interactiveGrant()
    sandbox.clock.advance(config().interactionTtlSeconds * 1000 + 1_000)
    const page = await fetch(grant.interact.redirect, { redirect: 'manual' })
    expect(page.status).toBe(302)
    const back = new URL(await sandbox.approveConsent(grant.interact.redirect))
    expect(back.searchParams.get('result')).toBe('invalid_interaction')
    expect(back.searchParams.get('message')).toBe('interaction expired')
    expect(back.searchParams.has('interact_ref')).toBe(false)
  })

  test('a cancelled grant cannot be continued', async () => {
    const grant = await interactiveGrant()
    await shop.client.grant.cancel({ url: grant.continue.uri, accessToken: grant.continue.access_token.value })
    await expect(
      shop.client.grant.continue({ url: grant.continue.uri, accessToken: grant.continue.access_token.value }, { interact_ref: 'x' })
    ).rejects.toMatchObject({ status: 401, code: 'invalid_continuation' })
  })
})

describe('access tokens', () => {
  test('rotation issues a new token and retires the old one; revocation ends access', async () => {
    const token = await nonInteractiveToken(shop, authServer, 'incoming-payment')
    const create = (value: string) =>
      shop.client.incomingPayment.create({ url: sandbox.baseUrl, accessToken: value }, { walletAddress: buyerUrl })
    await create(token.value)

    const rotated = await shop.client.token.rotate({ url: token.manage, accessToken: token.value })
    expect(rotated.access_token.value).not.toBe(token.value)
    expect(rotated.access_token.manage).not.toBe(token.manage)
    // A rotated or revoked token is inactive: 403 "Inactive Token" (Rafiki's token introspection).
    await expect(create(token.value)).rejects.toMatchObject({ status: 403, description: 'Inactive Token' })
    await create(rotated.access_token.value)

    await shop.client.token.revoke({ url: rotated.access_token.manage, accessToken: rotated.access_token.value })
    await expect(create(rotated.access_token.value)).rejects.toMatchObject({ status: 403, description: 'Inactive Token' })
    // A revoked token's management URL is gone (Rafiki: 401 invalid_client "invalid access token").
    await expect(shop.client.token.rotate({ url: rotated.access_token.manage, accessToken: rotated.access_token.value })).rejects.toMatchObject({
      status: 401,
      code: 'invalid_client'
    })
  })

  test('an expired token is refused (403 Inactive Token) but can still be rotated', async () => {
    const token = await nonInteractiveToken(shop, authServer, 'incoming-payment')
    sandbox.clock.advance((token.expires_in ?? 0) * 1000 + 1_000)
    await expect(
      shop.client.incomingPayment.create({ url: sandbox.baseUrl, accessToken: token.value }, { walletAddress: buyerUrl })
    ).rejects.toMatchObject({ status: 403, description: 'Inactive Token' })
    const rotated = await shop.client.token.rotate({ url: token.manage, accessToken: token.value })
    await shop.client.incomingPayment.create({ url: sandbox.baseUrl, accessToken: rotated.access_token.value }, { walletAddress: buyerUrl })
  })

  test('a token limited to one wallet address is refused on another with 403', async () => {
    const otherUrl = await wallet(sandbox, 'grants_other', 'MXN')
    const grant = await shop.client.grant.request(
      { url: authServer },
      { access_token: { access: [{ type: 'incoming-payment', actions: ['create', 'read'], identifier: buyerUrl }] } }
    )
    if (!isFinalizedGrantWithAccessToken(grant)) throw new Error('expected a token')
    await shop.client.incomingPayment.create({ url: sandbox.baseUrl, accessToken: grant.access_token.value }, { walletAddress: buyerUrl })
    await expect(
      shop.client.incomingPayment.create({ url: sandbox.baseUrl, accessToken: grant.access_token.value }, { walletAddress: otherUrl })
    ).rejects.toMatchObject({ status: 403 })
  })

  test('a quote token cannot create incoming payments (403)', async () => {
    const token = await nonInteractiveToken(shop, authServer, 'quote')
    await expect(
      shop.client.incomingPayment.create({ url: sandbox.baseUrl, accessToken: token.value }, { walletAddress: buyerUrl })
    ).rejects.toMatchObject({ status: 403 })
  })
})
