/** What the rest of the repository (scripts/start.ts, benchmarks) uses from the web app. */
export { buildWebApp, MIGRATIONS_FOLDER, type WebApp, type WebDeps } from './app.ts'
export { loadWebConfig, testWebConfig, type WebConfig } from './config.ts'
export { seedDemoData, DEMO_PASSWORD } from './seed/seed.ts'
export { startWebService } from './start.ts'
export { createHttpPaymentsClient } from './payments-client/http.ts'
export { createFakePaymentsClient } from './payments-client/fake.ts'
export type { PaymentsClient } from './payments-client/types.ts'
