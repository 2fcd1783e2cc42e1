import { randomUUID, type KeyObject } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import {
  createAuthenticatedClient,
  isFinalizedGrantWithAccessToken,
  isPendingGrant,
  type AuthenticatedClient,
  type PendingGrant
} from '@interledger/open-payments'
import { createHeaders, generateJwk, generateKey } from '@interledger/http-signature-utils'
import { startTestSandbox, type TestSandbox } from '../src/testing.ts'
import { loadSandboxConfig } from '../src/config.ts'
import { finishHash, nonInteractiveToken, wallet } from './helpers.ts'
import { refusal } from './resource-client.ts'

/**
 * The GNAP auth server and consent page, driven with the official SDK (`validateResponses: true`)
 * over real HTTP, each answer asserted as Rafiki's packages/auth answers it. The sandbox runs with
 * Rafiki's default `wait` of 5 s and its 10-minute interactions; time moves with `sandbox.clock`.
 */

const WAIT_MS = 5_000
let sandbox: TestSandbox
let shop: SignedClient
let buyerUrl: string
let authServer: string

interface SignedClient {
  walletAddressUrl: string
  publicName: string
  keyId: string
  privateKey: KeyObject
  client: AuthenticatedClient
}

/** A client wallet with a registered key, kept at hand for requests the SDK cannot make. */
async function signedClient(name: string): Promise<SignedClient> {
  const publicName = `Shop ${name}`
  const { url } = await sandbox.admin.createWalletAddress({ name, publicName, assetCode: 'MXN' })
  const privateKey = generateKey()
  const keyId = `key-${randomUUID()}`
  await sandbox.admin.registerKey(name, generateJwk({ privateKey, keyId }))
  const client = await createAuthenticatedClient({ walletAddressUrl: url, keyId, privateKey, useHttp: true, validateResponses: true })
  return { walletAddressUrl: url, publicName, keyId, privateKey, client }
}

/** A request signed by the client's key, without `Authorization` (the SDK always sends one). */
async function signedWithoutToken(c: SignedClient, method: 'POST' | 'DELETE', url: string) {
  const headers = await createHeaders({ request: { method, url, headers: {} }, privateKey: c.privateKey, keyId: c.keyId })
  return fetch(url, { method, headers: { ...headers } as Record<string, string> })
}

beforeAll(async () => {
  sandbox = await startTestSandbox({ config: { grantWaitSeconds: WAIT_MS / 1000 } })
  shop = await signedClient('conf_auth_shop')
  buyerUrl = await wallet(sandbox, 'conf_auth_buyer', 'MXN', 10_000n)
  authServer = (await shop.client.walletAddress.get({ url: buyerUrl })).authServer
})
afterAll(() => sandbox.close())

const FINISH_URI = 'http://shop.test/finish'

function outgoingGrant(finish: boolean, clientNonce = randomUUID()) {
  return shop.client.grant.request(
    { url: authServer },
    {
      access_token: {
        access: [
          {
            type: 'outgoing-payment',
            actions: ['create', 'read'],
            identifier: buyerUrl,
            limits: { debitAmount: { value: '500', assetCode: 'MXN', assetScale: 2 } }
          }
        ]
      },
      interact: finish ? { start: ['redirect'], finish: { method: 'redirect', uri: FINISH_URI, nonce: clientNonce } } : { start: ['redirect'] }
    }
  ) as Promise<PendingGrant>
}

const continuation = (grant: PendingGrant) => ({ url: grant.continue.uri, accessToken: grant.continue.access_token.value })
const poll = (grant: PendingGrant) => shop.client.grant.continue(continuation(grant))
const continueWith = (grant: PendingGrant, interactRef: string) => shop.client.grant.continue(continuation(grant), { interact_ref: interactRef })

/** Submits the Approve or Deny form of the consent page, as the browser does, without following redirects. */
async function answer(grant: PendingGrant, decision: 'approve' | 'deny') {
  const base = new URL(grant.interact.redirect)
  return fetch(new URL(`${base.pathname}/${decision}`, base), { method: 'POST', redirect: 'manual' })
}

describe('interactive grants without finish: the client polls', () => {
  // packages/auth/src/grant/routes.ts (createPendingGrant, pollGrantContinuation) and
  // packages/auth/src/interaction/routes.ts (handleUnfinishableGrant).
  test('accepted with only interact.start; polls answer pending, then the token once after approval', async () => {
    const grant = await outgoingGrant(false)
    expect(isPendingGrant(grant)).toBe(true)
    expect(grant.continue.wait).toBe(5)

    await expect(poll(grant)).rejects.toMatchObject({ status: 400, code: 'too_fast' })
    sandbox.clock.advance(WAIT_MS)
    const pending = await poll(grant)
    expect(isFinalizedGrantWithAccessToken(pending)).toBe(false)
    expect(pending.continue).toMatchObject({ uri: grant.continue.uri, wait: 5 })

    const page = await answer(grant, 'approve')
    expect(page.status).toBe(200)
    expect(page.headers.get('location')).toBeNull()
    expect(await page.text()).toContain('Your answer was recorded')

    // A pending poll answered 200 restarts the wait: polling again at once is too fast.
    await expect(poll(grant)).rejects.toMatchObject({ status: 400, code: 'too_fast' })
    sandbox.clock.advance(WAIT_MS)
    const issued = await poll(grant)
    if (!isFinalizedGrantWithAccessToken(issued)) throw new Error('expected the access token')
    expect(issued.access_token.access[0]).toMatchObject({ type: 'outgoing-payment', identifier: buyerUrl })

    await expect(poll(grant)).rejects.toMatchObject({ status: 401, code: 'request_denied', description: expect.stringContaining('grant cannot be continued') })
  })

  test('after the person declines, the poll is 401 request_denied', async () => {
    const grant = await outgoingGrant(false)
    const page = await answer(grant, 'deny')
    expect(page.status).toBe(200)
    expect(await page.text()).toContain('You declined')
    sandbox.clock.advance(WAIT_MS)
    await expect(poll(grant)).rejects.toMatchObject({ status: 401, code: 'request_denied' })
  })
})

describe('interactive grants with finish: no polling', () => {
  // packages/auth/src/grant/routes.ts: pollGrantContinuation refuses a grant with a finish method
  // ("grant cannot be polled"); continueGrant answers an unknown interact_ref or a rejected grant 404.
  test('a continuation without interact_ref is 401 request_denied in every state; a wrong interact_ref is 404', async () => {
    const cannotPoll = { status: 401, code: 'request_denied', description: expect.stringContaining('grant cannot be polled') }
    const approved = await outgoingGrant(true)
    sandbox.clock.advance(WAIT_MS)
    await expect(poll(approved)).rejects.toMatchObject(cannotPoll)
    await expect(continueWith(approved, randomUUID())).rejects.toMatchObject({ status: 404, code: 'invalid_continuation' })

    const finish = new URL((await answer(approved, 'approve')).headers.get('location')!)
    await expect(poll(approved)).rejects.toMatchObject(cannotPoll)
    expect(isFinalizedGrantWithAccessToken(await continueWith(approved, finish.searchParams.get('interact_ref')!))).toBe(true)
    await expect(poll(approved)).rejects.toMatchObject(cannotPoll)
    // Issued once: the same interact_ref again is refused.
    await expect(continueWith(approved, finish.searchParams.get('interact_ref')!)).rejects.toMatchObject({ status: 401, code: 'request_denied' })

    const declined = await outgoingGrant(true)
    expect(new URL((await answer(declined, 'deny')).headers.get('location')!).searchParams.get('result')).toBe('grant_rejected')
    sandbox.clock.advance(WAIT_MS)
    await expect(poll(declined)).rejects.toMatchObject(cannotPoll)
    await expect(continueWith(declined, randomUUID())).rejects.toMatchObject({ status: 404, code: 'invalid_continuation' })
  })
})

describe('wait', () => {
  // packages/auth/src/grant/routes.ts (isGrantStillWaiting): `wait` counts from the grant's
  // lastContinuedAt, set when it is created; a too_fast answer does not move it.
  test('any continuation within wait seconds of the grant is too_fast, and too_fast does not restart the window', async () => {
    const grant = await outgoingGrant(true)
    const finish = new URL((await answer(grant, 'approve')).headers.get('location')!)
    const ref = finish.searchParams.get('interact_ref')!
    await expect(continueWith(grant, ref)).rejects.toMatchObject({ status: 400, code: 'too_fast' })
    sandbox.clock.advance(4_000)
    await expect(continueWith(grant, ref)).rejects.toMatchObject({ status: 400, code: 'too_fast' })
    sandbox.clock.advance(1_100)
    expect(isFinalizedGrantWithAccessToken(await continueWith(grant, ref))).toBe(true)
  })
})

describe('interaction expiry and decline', () => {
  // packages/auth/src/interaction/routes.ts (finishInteraction, handleFinishableGrant, startInteraction)
  // and packages/auth/src/config/app.ts (INTERACTION_EXPIRY_SECONDS, 10 minutes).
  test('an expired interaction sends the person back with invalid_interaction; a decline with grant_rejected alone', async () => {
    expect(loadSandboxConfig({ NODE_ENV: 'test' }).interactionTtlSeconds).toBe(600)
    const grant = await outgoingGrant(true)
    sandbox.clock.advance(600_000 + 1_000)
    const opened = await fetch(grant.interact.redirect, { redirect: 'manual' })
    expect(opened.status).toBe(302)
    const expired = new URL(opened.headers.get('location')!)
    expect(`${expired.origin}${expired.pathname}`).toBe(FINISH_URI)
    expect(Object.fromEntries(expired.searchParams)).toEqual({ result: 'invalid_interaction', message: 'interaction expired' })
    const answered = await answer(grant, 'approve')
    expect(answered.status).toBe(303)
    expect(Object.fromEntries(new URL(answered.headers.get('location')!).searchParams)).toEqual({
      result: 'invalid_interaction',
      message: 'interaction expired'
    })

    const declined = await outgoingGrant(true)
    const back = new URL((await answer(declined, 'deny')).headers.get('location')!)
    expect(Object.fromEntries(back.searchParams)).toEqual({ result: 'grant_rejected' })
    // Opening an interaction that was already answered: Rafiki's start redirects with invalid_interaction.
    const reopened = await fetch(declined.interact.redirect, { redirect: 'manual' })
    expect(Object.fromEntries(new URL(reopened.headers.get('location')!).searchParams)).toEqual({
      result: 'invalid_interaction',
      message: 'invalid interaction'
    })

    const unfinishable = await outgoingGrant(false)
    sandbox.clock.advance(600_000 + 1_000)
    expect((await fetch(unfinishable.interact.redirect, { redirect: 'manual' })).status).toBe(401)
  })
})

describe('the interaction redirect', () => {
  // packages/auth/src/grant/model.ts (toOpenPaymentPendingGrant) with client details from
  // packages/auth/src/client/service.ts: the wallet address's publicName and the client as sent.
  test('carries clientName and clientUri and is the consent page', async () => {
    const clientNonce = randomUUID()
    const grant = await outgoingGrant(true, clientNonce)
    const redirect = new URL(grant.interact.redirect)
    expect(redirect.searchParams.get('clientName')).toBe(shop.publicName)
    expect(redirect.searchParams.get('clientUri')).toBe(shop.walletAddressUrl)
    expect(redirect.pathname).toMatch(new RegExp(`/interact/[0-9a-f-]{36}/${grant.interact.finish}$`))
    const page = await fetch(redirect)
    expect(page.status).toBe(200)
    expect(await page.text()).toContain(shop.publicName)
    const finish = new URL((await answer(grant, 'approve')).headers.get('location')!)
    const interactRef = finish.searchParams.get('interact_ref')!
    expect(finish.searchParams.get('hash')).toBe(finishHash(clientNonce, grant.interact.finish, interactRef, authServer))
  })
})

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
    const other = await signedClient('conf_auth_other')
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
