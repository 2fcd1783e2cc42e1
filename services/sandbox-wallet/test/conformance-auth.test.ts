import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { isFinalizedGrantWithAccessToken, isPendingGrant } from '@interledger/open-payments'
import type { TestSandbox } from '../src/testing.ts'
import { loadSandboxConfig } from '../src/config.ts'
import { finishHash } from './helpers.ts'
import { FINISH_URI, WAIT_MS, grantClient, startAuthEnv, type SignedClient } from './auth-client.ts'

/**
 * The GNAP auth server and consent page, driven with the official SDK (`validateResponses: true`)
 * over real HTTP, each answer asserted as Rafiki's packages/auth answers it: interactive grants,
 * wait, interaction expiry, the redirect. The sandbox runs with Rafiki's default `wait` of 5 s and its
 * 10-minute interactions; time moves with `sandbox.clock`. Tokens, keys and validation: conformance-tokens.
 */

let sandbox: TestSandbox
let shop: SignedClient
let buyerUrl: string
let authServer: string
const { outgoingGrant, poll, continueWith, answer } = grantClient(() => ({ sandbox, shop, buyerUrl, authServer }))

beforeAll(async () => {
  ;({ sandbox, shop, buyerUrl, authServer } = await startAuthEnv('conf_auth'))
})
afterAll(() => sandbox.close())

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

