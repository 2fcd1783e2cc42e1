import { fileURLToPath } from 'node:url'
import { prepareTestDatabases } from '@voces/platform/test-databases'

const folder = (path: string) => fileURLToPath(new URL(`../${path}/drizzle`, import.meta.url))

/**
 * vitest globalSetup: every service's migrations applied once per run (a PGlite snapshot, or a
 * PostgreSQL template with DATABASE_URL); each test database starts from it (createTestDatabase).
 * A service missing here still migrates itself at start, only more slowly.
 */
export default function setup() {
  return prepareTestDatabases([
    { migrationsFolder: folder('services/sandbox-wallet'), schema: 'sandbox_wallet' },
    { migrationsFolder: folder('services/payments'), schema: 'payments' },
    { migrationsFolder: folder('apps/web'), schema: 'web' }
  ])
}
