import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { createAuthenticatedClient } from '@interledger/open-payments'
import { generateKey } from '@interledger/http-signature-utils'
import type { TestSandbox } from '../src/testing.ts'
import { nonInteractiveToken } from './helpers.ts'
import { refusal } from './resource-client.ts'
import { WAIT_MS, grantClient, signedClient, signedWithoutToken, startAuthEnv, type SignedClient } from './auth-client.ts'

/**
 * The GNAP auth server's token management, grant cancel, client keys, request validation and token
 * expiry, driven with the official SDK over real HTTP, each answer asserted as Rafiki's packages/auth
 * answers it. Interactive grants are in conformance-auth.test.ts.
 */

let sandbox: TestSandbox
let shop: SignedClient
let buyerUrl: string
let authServer: string
const { outgoingGrant, continuation, continueWith, poll } = grantClient(() => ({ sandbox, shop, buyerUrl, authServer }))

beforeAll(async () => {
  ;({ sandbox, shop, buyerUrl, authServer } = await startAuthEnv('conf_tokens'))
})
afterAll(() => sandbox.close())

describe('token management and grant cancel', () => {
  // packages/auth/src/signature/middleware.ts (tokenHttpsigMiddleware: the management URL names the
  // token, the signature proves the client; a revoked or rotated token is 401 invalid_client),
  // packages/auth/src/accessToken/routes.ts and accessToken/service.ts (rotate revokes at once).
  test('revoke and rotate need only the signed request; a rotated or revoked token is gone (401 invalid_client)', async () => {
    const first = await nonInteractiveToken(shop, authServer, 'quote')
    const second = (await shop.client.token.rotate({ url: first.manage, accessToken: first.value })).access_token
    expect(second.value).not.toBe(first.value)
    const dead = { status: 401, code: 'invalid_client' }
    await expect(shop.client.token.rotate({ url: first.manage, accessToken: first.value })).rejects.toMatchObject(dead)
    await expect(shop.client.token.revoke({ url: first.manage, accessToken: first.value })).rejects.toMatchObject(dead)

    // Signed, with no token in Authorization: Rafiki rotates and revokes all the same.
    const rotated = await signedWithoutToken(shop, 'POST', second.manage)
    expect(rotated.status).toBe(200)
    const third = ((await rotated.json()) as { access_token: { value: string; manage: string } }).access_token
    expect((await signedWithoutToken(shop, 'DELETE', third.manage)).status).toBe(204)
    await expect(shop.client.token.rotate({ url: third.manage, accessToken: third.value })).rejects.toMatchObject(dead)

    // Another client's signature manages nothing: its key id is not in this client's JWKS, so the
    // auth server cannot determine the client (400 invalid_client, see "client keys" below).
    const other = await signedClient(sandbox, 'conf_auth_other')
    const fourth = await nonInteractiveToken(shop, authServer, 'quote')
    const refused = await signedWithoutToken(other, 'DELETE', fourth.manage)
    expect(refused.status).toBe(400)
    expect(await refused.json()).toEqual({ error: { code: 'invalid_client', description: 'could not determine client' } })
    await shop.client.token.revoke({ url: fourth.manage, accessToken: fourth.value })
  })

  // packages/auth/src/grant/routes.ts (revokeGrant) and signature/middleware.ts
  // (grantContinueHttpsigMiddleware: getByContinue leaves revoked grants out → 401 invalid_continuation).
  test('a cancelled grant is gone: continue and cancel again are 401 invalid_continuation', async () => {
    const grant = await outgoingGrant(true)
    await shop.client.grant.cancel(continuation(grant))
    sandbox.clock.advance(WAIT_MS)
    await expect(continueWith(grant, randomUUID())).rejects.toMatchObject({ status: 401, code: 'invalid_continuation' })
    await expect(poll(grant)).rejects.toMatchObject({ status: 401, code: 'invalid_continuation' })
    await expect(shop.client.grant.cancel(continuation(grant))).rejects.toMatchObject({ status: 401, code: 'invalid_continuation' })
    const reopened = await fetch(grant.interact.redirect, { redirect: 'manual' })
    expect(new URL(reopened.headers.get('location')!).searchParams.get('result')).toBe('invalid_interaction')
  })
})

describe('client keys', () => {
  /** The SDK as the shop, but signing with a key its wallet address's JWKS does not list. */
  const unlistedKey = () =>
    createAuthenticatedClient({
      walletAddressUrl: shop.walletAddressUrl,
      keyId: `unlisted-${randomUUID()}`,
      privateKey: generateKey(),
      useHttp: true,
      validateResponses: true
    })
  const undetermined = { status: 400, code: 'invalid_client', description: 'could not determine client' }

  // packages/auth/src/signature/middleware.ts (verifySigFromClient: clientService.getKey finds no key
  // with the signature's key id → 400 invalid_client "could not determine client"; a key that is
  // listed but does not verify the signature → 401 invalid_client "invalid signature").
  test('a grant, continuation or token call signed with a key id the client JWKS lacks is 400 invalid_client', async () => {
    const impostor = await unlistedKey()
    await expect(
      impostor.grant.request({ url: authServer }, { access_token: { access: [{ type: 'quote', actions: ['create'] }] } })
    ).rejects.toMatchObject(undetermined)
    const grant = await outgoingGrant(false)
    await expect(impostor.grant.continue(continuation(grant))).rejects.toMatchObject(undetermined)
    const token = await nonInteractiveToken(shop, authServer, 'quote')
    await expect(impostor.token.rotate({ url: token.manage, accessToken: token.value })).rejects.toMatchObject(undetermined)

    // The client's own key id with another private key: the key is found, the signature fails.
    const forger = await createAuthenticatedClient({
      walletAddressUrl: shop.walletAddressUrl,
      keyId: shop.keyId,
      privateKey: generateKey(),
      useHttp: true
    })
    await expect(forger.token.rotate({ url: token.manage, accessToken: token.value })).rejects.toMatchObject({
      status: 401,
      code: 'invalid_client',
      description: 'invalid signature'
    })
    // Neither refusal touched the token.
    expect((await shop.client.token.rotate({ url: token.manage, accessToken: token.value })).access_token.value).not.toBe(token.value)
  })
})

describe('request validation', () => {
  // packages/auth/src/app.ts (createValidatorMiddleware before grantInitiationHttpsigMiddleware) and
  // packages/auth/src/shared/gnapErrors.ts (gnapServerErrorMiddleware: an OpenAPIValidatorMiddlewareError
  // is answered with its status and `{error: {description}}`, without a GNAP code).
  test('a grant request that fails the spec is 400 with the validator message and no code, before the signature', async () => {
    const bogus = { access_token: { access: [{ type: 'bogus', actions: ['create'] }] } }
    const signed = await refusal(shop.client.grant.request({ url: authServer }, bogus as never))
    expect(signed).toEqual({
      status: 400,
      code: undefined,
      description: 'Received error validating OpenAPI request: body.access_token.access.0.type must be equal to one of the allowed values',
      details: undefined
    })
    const unsigned = await fetch(authServer, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ client: shop.walletAddressUrl })
    })
    expect(unsigned.status).toBe(400)
    expect(await unsigned.json()).toEqual({
      error: { description: "Received error validating OpenAPI request: body must have required property 'access_token'" }
    })
  })
})

describe('time', () => {
  // packages/auth/src/accessToken/service.ts (isTokenExpired): tokens end after
  // ACCESS_TOKEN_EXPIRY_SECONDS; the sandbox reads its injectable clock for it.
  test('an access token expires when the sandbox clock passes its expires_in, and can still be rotated', async () => {
    const token = await nonInteractiveToken(shop, authServer, 'incoming-payment')
    const create = (value: string) =>
      shop.client.incomingPayment.create({ url: sandbox.baseUrl, accessToken: value }, { walletAddress: buyerUrl })
    expect(token.expires_in).toBe(600)
    sandbox.clock.advance(600_000 + 1_000)
    // packages/backend/src/open_payments/auth/middleware.ts: introspection says inactive → 403.
    await expect(create(token.value)).rejects.toMatchObject({ status: 403, code: '403', description: 'Inactive Token' })
    const rotated = await shop.client.token.rotate({ url: token.manage, accessToken: token.value })
    await create(rotated.access_token.value)
  })
})
