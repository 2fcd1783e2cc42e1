import { randomUUID } from 'node:crypto'
import { sql } from 'drizzle-orm'
import { isFinalizedGrantWithAccessToken, type PendingGrant } from '@interledger/open-payments'
import { queryRows } from '@voces/platform'
import type { TestSandbox } from '../src/testing.ts'
import { nonInteractiveToken, waitFor, type TestClient } from './helpers.ts'

export type Amount = { value: string; assetCode: string; assetScale: number }
export const mxn = (value: string): Amount => ({ value, assetCode: 'MXN', assetScale: 2 })
type Limits = { debitAmount?: Amount; receiveAmount?: Amount; receiver?: string; interval?: string }

/** The SDK's error for a refused call: status, code, description and details as the server sent them. */
export async function refusal(call: Promise<unknown>) {
  const error = (await call.then(
    () => {
      throw new Error('expected the call to be refused')
    },
    (e: unknown) => e
  )) as { status?: number; code?: string; description?: string; details?: Record<string, unknown> }
  return { status: error.status, code: error.code, description: error.description, details: error.details }
}

/**
 * What a client paying through the sandbox's resource server does, with the official SDK. `env` is
 * read at each call, so the helpers can be set up before `beforeAll` starts the sandbox.
 */
export function resourceClient(env: () => { sandbox: TestSandbox; shop: TestClient }) {
  const authServer = () => `${env().sandbox.baseUrl}/auth`

  return {
    /** An outgoing-payment grant asked with `finish`, approved on the consent page, continued with the interact_ref. */
    async outgoingToken(payerUrl: string, limits?: Limits) {
      const { sandbox, shop } = env()
      const access = [{ type: 'outgoing-payment', actions: ['create', 'read', 'list'], identifier: payerUrl, ...(limits ? { limits } : {}) }]
      const grant = (await shop.client.grant.request(
        { url: authServer() },
        {
          access_token: { access: access as never },
          interact: { start: ['redirect'], finish: { method: 'redirect', uri: 'http://shop.test/finish', nonce: randomUUID() } }
        }
      )) as PendingGrant
      const finish = new URL(await sandbox.approveConsent(grant.interact.redirect))
      const continued = await shop.client.grant.continue(
        { url: grant.continue.uri, accessToken: grant.continue.access_token.value },
        { interact_ref: finish.searchParams.get('interact_ref')! }
      )
      if (!isFinalizedGrantWithAccessToken(continued)) throw new Error('no access token')
      return continued.access_token.value
    },

    async incoming(receiverUrl: string, body: { incomingAmount?: Amount; expiresAt?: string } = {}) {
      const { sandbox, shop } = env()
      const token = await nonInteractiveToken(shop, authServer(), 'incoming-payment')
      const payment = await shop.client.incomingPayment.create({ url: sandbox.baseUrl, accessToken: token.value }, { walletAddress: receiverUrl, ...body })
      return { payment, token: token.value }
    },

    async quote(payerUrl: string, receiver: string, amounts: { debitAmount?: Amount; receiveAmount?: Amount } = {}) {
      const { sandbox, shop } = env()
      const token = await nonInteractiveToken(shop, authServer(), 'quote')
      return shop.client.quote.create({ url: sandbox.baseUrl, accessToken: token.value }, { walletAddress: payerUrl, receiver, method: 'ilp', ...amounts } as never)
    },

    pay(token: string, payerUrl: string, quoteId: string) {
      const { sandbox, shop } = env()
      return shop.client.outgoingPayment.create({ url: sandbox.baseUrl, accessToken: token }, { walletAddress: payerUrl, quoteId })
    },

    /** Waits until the settlement worker has sent the payment (or failed it). */
    settled(token: string, id: string) {
      return waitFor(async () => {
        const p = await env().shop.client.outgoingPayment.get({ url: id, accessToken: token })
        return p.failed || p.sentAmount.value !== '0' ? p : undefined
      })
    },

    /** The admin API's view of a wallet: `balance` credited, `pending` held for its incoming payments. */
    async adminWallet(name: string): Promise<{ balance: bigint; pending: bigint }> {
      const { admin } = env().sandbox
      return { balance: await admin.balance(name), pending: await admin.pending(name) }
    },

    async feeAccount(assetCode: string): Promise<bigint> {
      const rows = await queryRows<{ balance: string }>(
        env().sandbox.sandbox.deps.db,
        sql`select coalesce(sum(balance), 0)::text as balance from sandbox_wallet.ledger_accounts where kind = 'fees' and asset_code = ${assetCode}`
      )
      return BigInt(rows[0]!.balance)
    }
  }
}
