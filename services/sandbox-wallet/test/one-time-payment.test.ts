import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { isFinalizedGrantWithAccessToken, isPendingGrant, type PendingGrant } from '@interledger/open-payments'
import { startTestSandbox, type TestSandbox } from '../src/testing.ts'
import { createTestClient, finishHash, nonInteractiveToken, waitFor, wallet, type TestClient } from './helpers.ts'

describe('one-time payment through the sandbox, with the official SDK', () => {
  let sandbox: TestSandbox
  let shop: TestClient
  let buyerUrl: string
  let sellerUrl: string

  beforeAll(async () => {
    sandbox = await startTestSandbox()
    shop = await createTestClient(sandbox, 'shop')
    buyerUrl = await wallet(sandbox, 'buyer', 'MXN', 100_000n)
    sellerUrl = await wallet(sandbox, 'seller', 'MXN')
  })
  afterAll(() => sandbox.close())

  async function startPayment(amount: bigint) {
    const [buyer, seller] = await Promise.all([
      shop.client.walletAddress.get({ url: buyerUrl }),
      shop.client.walletAddress.get({ url: sellerUrl })
    ])
    const ipToken = await nonInteractiveToken(shop, seller.authServer, 'incoming-payment')
    const incoming = await shop.client.incomingPayment.create(
      { url: seller.resourceServer, accessToken: ipToken.value },
      { walletAddress: seller.id, incomingAmount: { value: amount.toString(), assetCode: 'MXN', assetScale: 2 } }
    )
    const quoteToken = await nonInteractiveToken(shop, buyer.authServer, 'quote')
    const quote = await shop.client.quote.create(
      { url: buyer.resourceServer, accessToken: quoteToken.value },
      { walletAddress: buyer.id, receiver: incoming.id, method: 'ilp' }
    )
    const nonce = randomUUID()
    const grant = (await shop.client.grant.request(
      { url: buyer.authServer },
      {
        access_token: {
          access: [
            {
              type: 'outgoing-payment',
              actions: ['create', 'read', 'list'],
              identifier: buyer.id,
              limits: { debitAmount: quote.debitAmount, receiver: incoming.id }
            }
          ]
        },
        interact: { start: ['redirect'], finish: { method: 'redirect', uri: 'http://shop.test/finish', nonce } }
      }
    )) as PendingGrant
    return { buyer, seller, incoming, quote, grant, nonce }
  }

  test('consent approved over HTTP: hash verifies, payment settles, balances move by the quoted amounts', async () => {
    const { buyer, incoming, quote, grant, nonce } = await startPayment(2_500n)
    expect(isPendingGrant(grant)).toBe(true)
    expect(quote.receiveAmount).toEqual({ value: '2500', assetCode: 'MXN', assetScale: 2 })
    // The fee, 0.50 + 1% rounded up, is the difference between debit and receive.
    expect(quote.debitAmount).toEqual({ value: '2575', assetCode: 'MXN', assetScale: 2 })

    const finish = new URL(await sandbox.approveConsent(grant.interact.redirect))
    const interactRef = finish.searchParams.get('interact_ref')!
    expect(finish.origin + finish.pathname).toBe('http://shop.test/finish')
    expect(finish.searchParams.get('hash')).toBe(finishHash(nonce, grant.interact.finish, interactRef, buyer.authServer))

    const continued = await shop.client.grant.continue(
      { url: grant.continue.uri, accessToken: grant.continue.access_token.value },
      { interact_ref: interactRef }
    )
    if (!isFinalizedGrantWithAccessToken(continued)) throw new Error('expected an access token')

    const buyerBefore = await sandbox.admin.balance('buyer')
    const sellerBefore = await sandbox.admin.balance('seller')
    const payment = await shop.client.outgoingPayment.create(
      { url: buyer.resourceServer, accessToken: continued.access_token.value },
      { walletAddress: buyer.id, quoteId: quote.id, metadata: { job: 'j1' } }
    )
    expect(payment.sentAmount.value).toBe('0')
    // sentAmount is debitAmount minus fees, as Rafiki sends it: it never reaches debitAmount.
    const done = await waitFor(async () => {
      const p = await shop.client.outgoingPayment.get({ url: payment.id, accessToken: continued.access_token.value })
      return p.sentAmount.value !== '0' || p.failed ? p : undefined
    })
    expect(done.failed).toBe(false)
    expect(done.sentAmount.value).toBe('2500')
    expect(await sandbox.admin.balance('buyer')).toBe(buyerBefore - 2_575n)
    expect(await sandbox.admin.balance('seller')).toBe(sellerBefore + 2_500n)

    const ipToken = await nonInteractiveToken(shop, buyer.authServer, 'incoming-payment')
    const received = await shop.client.incomingPayment.get({ url: incoming.id, accessToken: ipToken.value })
    expect(received.completed).toBe(true)
    expect(received.receivedAmount.value).toBe('2500')
  })

  test('denied consent redirects with result=grant_rejected and the grant cannot be continued', async () => {
    const { grant } = await startPayment(500n)
    const finish = new URL(await sandbox.denyConsent(grant.interact.redirect))
    expect(finish.searchParams.get('result')).toBe('grant_rejected')
    expect(finish.searchParams.get('hash')).toBeNull()
    // Rafiki looks the grant up by its interact_ref and finds no live one: 404.
    await expect(
      shop.client.grant.continue({ url: grant.continue.uri, accessToken: grant.continue.access_token.value }, { interact_ref: 'x' })
    ).rejects.toMatchObject({ status: 404 })
    // The consent page no longer offers a choice: as Rafiki's interaction start, it sends the browser
    // back to the client with result=invalid_interaction (src/grant/interaction.ts).
    const again = await fetch(grant.interact.redirect, { redirect: 'manual' })
    expect(again.status).toBe(302)
    expect(new URL(again.headers.get('location')!).searchParams.get('result')).toBe('invalid_interaction')
  })
})
