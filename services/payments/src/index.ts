/** What other code (scripts/start.ts, other services' tests) uses of the payments service. */
export { buildPaymentsApp, MIGRATIONS_FOLDER, type PaymentsApp } from './app.ts'
export { defaultConfig, ensureApiToken, loadPaymentsConfig, type PaymentsConfig, type SellerKeyConfig } from './config.ts'
