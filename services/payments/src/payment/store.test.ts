import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { createLogger, createTestDatabase, systemClock, type Database } from '@voces/platform'
import { MIGRATIONS_FOLDER } from '../app.ts'
import { createWebhookService } from '../webhook/service.ts'
import { webhookEvents } from '../webhook/model.ts'
import { payments } from './model.ts'
import { createPaymentStore, type PaymentStore } from './store.ts'

describe('payment store transitions', () => {
  let database: Database
  let store: PaymentStore
  beforeAll(async () => {
    database = await createTestDatabase()
    await database.migrate({ migrationsFolder: MIGRATIONS_FOLDER, schema: 'payments' })
    const webhooks = createWebhookService({
      db: database.db,
      clock: systemClock,
      logger: createLogger({ level: 'silent' }),
      target: undefined,
      leaseMs: 1000,
      baseBackoffMs: 10,
      maxBackoffMs: 10,
      maxAttempts: 1,
      timeoutMs: 1000
    })
    store = createPaymentStore({ db: database.db, webhooks })
  })
  afterAll(() => database.close())

  const starting = async () => {
    const id = randomUUID()
    await database.db.insert(payments).values({ id, offerId: `offer-${id}`, sellerId: 'm', buyerWalletAddressUrl: 'https://wallet.example/b', state: 'starting', amountValue: 100n, assetCode: 'USD', assetScale: 2 })
    return id
  }
  const eventsOf = async (id: string) => (await database.db.select().from(webhookEvents)).filter((e) => JSON.stringify(e).includes(id))

  // The start's last write takes the one-statement path (no event, no guard): it must still move only a
  // payment that is where the caller found it, and only once when two try at once.
  test('a transition without an event applies once, from the given states only', async () => {
    const id = await starting()
    const patch = { state: 'awaiting_consent' as const, quoteId: 'q-1' }
    const [a, b] = await Promise.all([store.transition(id, ['starting'], patch), store.transition(id, ['starting'], { ...patch, quoteId: 'q-2' })])
    expect([a, b].filter(Boolean)).toHaveLength(1)
    const won = (a ?? b)!
    expect(won.state).toBe('awaiting_consent')
    expect(await store.transition(id, ['starting'], { state: 'failed' })).toBeUndefined()
    expect((await store.find(id))!.quoteId).toBe(won.quoteId)
    expect(await eventsOf(id)).toHaveLength(0)
  })

  test('a transition to a final state writes its webhook event with it, once', async () => {
    const id = await starting()
    const patch = { state: 'failed' as const, failureCode: 'wallet_unavailable' }
    const results = await Promise.all([store.transition(id, ['starting'], patch), store.transition(id, ['starting'], patch)])
    expect(results.filter(Boolean)).toHaveLength(1)
    expect((await store.find(id))!.state).toBe('failed')
    expect(await eventsOf(id)).toHaveLength(1)
  })

  test('a guard still decides on the locked row', async () => {
    const id = await starting()
    expect(await store.transition(id, ['starting'], { state: 'awaiting_consent' }, (p) => p.quoteId !== null)).toBeUndefined()
    expect((await store.find(id))!.state).toBe('starting')
  })
})
