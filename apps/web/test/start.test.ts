import { afterAll, expect, test } from 'vitest'
import { createLogger, createTestDatabase, type Database } from '@voces/platform'
import { startWebService } from '../src/index.ts'
import type { WebApp } from '../src/app.ts'

let database: Database | undefined
let web: WebApp | undefined
afterAll(async () => {
  await web?.stop()
  await database?.close()
})

test('startWebService migrates, seeds and listens, as scripts/start.ts calls it', async () => {
  // Empty (not the run's migrated copy): startWebService must migrate it itself.
  database = await createTestDatabase({ migrated: false })
  const started = await startWebService({
    database,
    logger: createLogger({ level: 'silent' }),
    env: { NODE_ENV: 'test', WEB_PORT: '0', WEB_UPLOAD_DIR: `${process.env.TMPDIR ?? '/tmp'}/voces-start-test` },
    overrides: { argon2: { memoryCost: 1024, timeCost: 1, parallelism: 1 }, schedulerEnabled: false, payments: { apiToken: 'from-start-script' } }
  })
  web = started.web
  expect(started.config.payments.apiToken).toBe('from-start-script')
  expect(started.config.payments.sellerId).toBe('marketplace')
  const res = await fetch(`${started.url}/jobs`)
  expect(res.status).toBe(200)
  expect(await res.text()).toContain('card')
})
