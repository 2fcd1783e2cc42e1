import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { Webhook } from 'standardwebhooks'
import { sql } from 'drizzle-orm'
import { queryRows } from '@voces/platform'
import { createSellerWallet, outgoingPaymentsOf, RETURN_URL, startHarness, visit, waitFor, type Harness } from './harness.ts'

describe('escrow payouts under a standing grant', () => {
  let h: Harness
  let creator: { name: string; url: string }
  beforeAll(async () => {
    h = await startHarness()
    await h.sandbox.admin.deposit(h.seller.name, 1_000_00n)
    creator = await h.buyer('USD', 0n)
  })
  afterAll(() => h?.close())

  const escrowOutgoingCount = async () => (await outgoingPaymentsOf(h, h.seller.name)).length
  const payoutDone = async (id: string) =>
    (await waitFor(() => h.api('GET', `/payouts/${id}`), (r) => ['completed', 'failed'].includes(r.json.payout?.status))).json.payout

  test('without a connected escrow wallet a payout is refused clearly', async () => {
    const r = await h.api('POST', '/payouts', { sellerId: 'marketplace', receiverWalletAddressUrl: creator.url, amount: '1.00', fixed: 'send', reference: 'too-early' })
    expect(r.status).toBe(409)
    expect(r.json.error.code).toBe('no_payout_grant')
  })

  test('the operator connects the escrow wallet once, through its consent page', async () => {
    const start = await h.api('POST', '/sellers/marketplace/payout-grant', { debitLimit: '300.00', returnUrl: RETURN_URL })
    expect(start.status, JSON.stringify(start.json)).toBe(201)
    expect(start.json.payoutGrant).toMatchObject({ status: 'awaiting_consent', limit: { value: '30000', assetCode: 'USD' } })
    const back = await visit(await h.sandbox.approveConsent(start.json.redirectUrl))
    expect(back.status).toBe(303)
    const location = new URL(back.location!)
    expect(location.searchParams.get('status')).toBe('active')
    const sellers = await h.api('GET', '/sellers')
    expect(sellers.json.sellers.find((s: { id: string }) => s.id === 'marketplace').payoutGrant).toBe('active')
  })

  test('a creator is paid from escrow without further consent, and the payout is announced', async () => {
    const escrowBefore = await h.sandbox.admin.balance(h.seller.name)
    const r = await h.api('POST', '/payouts', { sellerId: 'marketplace', receiverWalletAddressUrl: creator.url, amount: '20.00', fixed: 'send', reference: 'job-1/creator' })
    expect(r.status, JSON.stringify(r.json)).toBe(201)
    const done = await payoutDone(r.json.payout.id)
    expect(done.status).toBe('completed')
    expect(await h.sandbox.admin.balance(h.seller.name)).toBe(escrowBefore - 20_00n)
    expect(await h.sandbox.admin.balance(creator.name)).toBe(BigInt(done.receiveAmount.value))
    expect(BigInt(done.receiveAmount.value)).toBeGreaterThan(0n)
    const hook = await waitFor(async () => h.webhooks.received.filter((w) => JSON.parse(w.body).data.id === r.json.payout.id), (e) => e.length > 0)
    const event = new Webhook(h.config.webhook!.secret).verify(hook[0]!.body, hook[0]!.headers) as { type: string }
    expect(event.type).toBe('payout.completed')
  })

  test('a fixed-receive payout delivers exactly the amount; escrow pays the fee the fee quote announced', async () => {
    const feeQuote = await h.api('POST', '/sellers/marketplace/payout-fee', { amount: '15.00' })
    expect(feeQuote.status, JSON.stringify(feeQuote.json)).toBe(200)
    // The sandbox charges as Rafiki is configured here: 0.50 + 1% on the sending side.
    expect(feeQuote.json).toMatchObject({ receiveAmount: { value: '1500' }, fee: { value: '65', assetCode: 'USD' }, debitAmount: { value: '1565' } })
    const escrowBefore = await h.sandbox.admin.balance(h.seller.name)
    const creatorBefore = await h.sandbox.admin.balance(creator.name)
    const r = await h.api('POST', '/payouts', { sellerId: 'marketplace', receiverWalletAddressUrl: creator.url, amount: '15.00', fixed: 'receive', reference: 'job-1b/exact' })
    expect(r.status, JSON.stringify(r.json)).toBe(201)
    const done = await payoutDone(r.json.payout.id)
    expect(done).toMatchObject({ status: 'completed', fixed: 'receive', receiveAmount: { value: '1500' }, debitAmount: { value: '1565' }, fee: { value: '65' } })
    expect(await h.sandbox.admin.balance(creator.name)).toBe(creatorBefore + 15_00n)
    expect(await h.sandbox.admin.balance(h.seller.name)).toBe(escrowBefore - 15_65n)
  })

  test('a fixed-send fee quote says what a refund of that amount delivers: the amount less its own fee', async () => {
    const feeQuote = await h.api('POST', '/sellers/marketplace/payout-fee', { amount: '20.00', fixed: 'send' })
    expect(feeQuote.status, JSON.stringify(feeQuote.json)).toBe(200)
    // 0.50 + 1 % of what leaves escrow, taken out of it.
    expect(feeQuote.json).toMatchObject({ debitAmount: { value: '2000' }, fee: { value: '70', assetCode: 'USD' }, receiveAmount: { value: '1930' } })
    const creatorBefore = await h.sandbox.admin.balance(creator.name)
    const r = await h.api('POST', '/payouts', { sellerId: 'marketplace', receiverWalletAddressUrl: creator.url, amount: '20.00', fixed: 'send', reference: 'job-1c/refund' })
    const done = await payoutDone(r.json.payout.id)
    expect(done).toMatchObject({ status: 'completed', fixed: 'send', debitAmount: { value: '2000' }, receiveAmount: { value: '1930' }, fee: { value: '70' } })
    expect(await h.sandbox.admin.balance(creator.name)).toBe(creatorBefore + 19_30n)
  })

  test('a reused reference never pays twice; a different payout under it is a conflict', async () => {
    const body = { sellerId: 'marketplace', receiverWalletAddressUrl: creator.url, amount: '5.00', fixed: 'send', reference: 'job-2/creator' }
    const first = await h.api('POST', '/payouts', body)
    await payoutDone(first.json.payout.id)
    const creatorAfter = await h.sandbox.admin.balance(creator.name)
    const escrowPaymentsAfter = await escrowOutgoingCount()
    const again = await Promise.all([h.api('POST', '/payouts', body), h.api('POST', '/payouts', body)])
    for (const r of again) {
      expect(r.status).toBe(200)
      expect(r.json.payout.id).toBe(first.json.payout.id)
    }
    const conflict = await h.api('POST', '/payouts', { ...body, amount: '6.00' })
    expect(conflict.status).toBe(409)
    expect(conflict.json.error.code).toBe('reference_conflict')
    // Replays answer from the first payout (which was sent inside its own request): nothing more left escrow.
    expect(await h.sandbox.admin.balance(creator.name)).toBe(creatorAfter)
    expect(await escrowOutgoingCount()).toBe(escrowPaymentsAfter)
  })

  test('a creator with a wallet in another currency receives the converted amount', async () => {
    const euro = await h.buyer('EUR', 0n)
    const r = await h.api('POST', '/payouts', { sellerId: 'marketplace', receiverWalletAddressUrl: euro.url, amount: '10.00', fixed: 'send', reference: 'job-3/creator-eur' })
    const done = await payoutDone(r.json.payout.id)
    expect(done.status).toBe('completed')
    expect(done.receiveAmount.assetCode).toBe('EUR')
    expect(await h.sandbox.admin.balance(euro.name)).toBe(BigInt(done.receiveAmount.value))
  })

  test('a funder is refunded the same way', async () => {
    const funder = await h.buyer('MXN', 0n)
    const r = await h.api('POST', '/payouts', { sellerId: 'marketplace', receiverWalletAddressUrl: funder.url, amount: '3.00', fixed: 'send', reference: 'job-4/refund' })
    expect((await payoutDone(r.json.payout.id)).status).toBe('completed')
    expect(await h.sandbox.admin.balance(funder.name)).toBeGreaterThan(0n)
  })

  test('more than the grant allows fails clearly and is announced', async () => {
    const r = await h.api('POST', '/payouts', { sellerId: 'marketplace', receiverWalletAddressUrl: creator.url, amount: '400.00', fixed: 'send', reference: 'job-5/too-much' })
    const done = r.json.payout?.status === 'failed' ? r.json.payout : await payoutDone(r.json.payout.id)
    expect(done.status).toBe('failed')
    expect(done.failure.message).toMatch(/payout grant/)
    const hook = await waitFor(async () => h.webhooks.received.filter((w) => JSON.parse(w.body).data.id === done.id), (e) => e.length > 0)
    expect(JSON.parse(hook[0]!.body).type).toBe('payout.failed')
  })

  test('a sent payout is never failed because the escrow grant became unusable; it completes from the money that arrived', async () => {
    const settings = h.sandbox.sandbox.deps.config
    settings.settlementDelayMs = 60_000
    const r = await h.api('POST', '/payouts', { sellerId: 'marketplace', receiverWalletAddressUrl: creator.url, amount: '2.00', fixed: 'send', reference: 'job-7/grant-lost' })
    const id = r.json.payout.id as string
    await waitFor(() => h.api('GET', `/payouts/${id}`), (x) => x.json.payout?.status === 'sending')
    // The standing grant can no longer be used (as after a failed token rotation).
    await h.database.db.execute(sql`update payments.payout_grants set state = 'expired' where state = 'active'`)
    settings.settlementDelayMs = 0
    // The escrow's outgoing payment cannot be read without the grant, but the creator's incoming
    // payment (read with the marketplace's own incoming-payment grant) shows the money arrived.
    expect((await payoutDone(id)).status).toBe('completed')
    await h.database.db.execute(sql`update payments.payout_grants set state = 'active' where state = 'expired' and failure_message is null`)
  })

  test('a "declined" redirect, typed or from the wallet, ends no escrow grant request (it proves nothing); a new request replaces it', async () => {
    const start = await h.api('POST', '/sellers/marketplace/payout-grant', { debitLimit: '10.00', returnUrl: RETURN_URL })
    const grantId = start.json.payoutGrant.id as string
    const finishUrl = `${h.baseUrl}/payments/finish?payoutGrantId=${grantId}&result=grant_rejected`
    await visit(finishUrl)
    const state = async () => (await queryRows<{ state: string }>(h.database.db, sql`select state from payments.payout_grants where id = ${grantId}`))[0]!.state
    expect(await state()).toBe('awaiting_consent')
    const denied = await visit(await h.sandbox.denyConsent(start.json.redirectUrl))
    expect(new URL(denied.location!).searchParams.get('walletResult')).toBe('grant_rejected')
    expect(await state()).toBe('awaiting_consent')
    // Connecting again replaces the open request: it ends, and its grant is cancelled at the wallet.
    const again = await h.api('POST', '/sellers/marketplace/payout-grant', { debitLimit: '10.00', returnUrl: RETURN_URL })
    expect(again.status).toBe(201)
    expect(await state()).toBe('expired')
  })

  test('a key path outside the keys directory is refused the same way whether or not the file exists; a device is never read', async () => {
    const other = await createSellerWallet(h.sandbox, h.dir, `keys-${Date.now()}`, 'EUR')
    const answers = await Promise.all(
      ['/dev/zero', '/etc/passwd', '/etc/nonexistent', `${h.dir}/../../etc/passwd`, 'nope.pem'].map((privateKeyPath, i) =>
        h.api('POST', '/sellers', { id: `probe-${i}`, walletAddressUrl: other.url, keyId: other.keyId, privateKeyPath })
      )
    )
    for (const r of answers) {
      expect(r.status).toBe(400)
      expect(r.json.error.message).toBe('privateKeyPath must name a key file in the keys directory (SELLER_KEYS_DIR)')
    }
    // The service is still up.
    expect((await h.api('GET', '/health', undefined, null)).status).toBe(200)
  })

  test('another seller registered by API has its own key and no payout grant yet', async () => {
    const other = await createSellerWallet(h.sandbox, h.dir, `shop-${Date.now()}`, 'EUR')
    const created = await h.api('POST', '/sellers', { id: 'shop', walletAddressUrl: other.url, keyId: other.keyId, privateKeyPath: other.privateKeyPath })
    expect(created.status, JSON.stringify(created.json)).toBe(201)
    expect(JSON.stringify(created.json)).not.toMatch(/PRIVATE KEY|\.pem/)
    expect(created.json.seller).toMatchObject({ id: 'shop', keySource: 'file', assetCode: 'EUR', payoutGrant: 'none' })
    const r = await h.api('POST', '/payouts', { sellerId: 'shop', receiverWalletAddressUrl: creator.url, amount: '1.00', fixed: 'send', reference: 'shop-1' })
    expect(r.status).toBe(409)
    expect(r.json.error.code).toBe('no_payout_grant')
  })
})
