import { defineConfig } from 'drizzle-kit'

export default defineConfig({
  dialect: 'postgresql',
  schema: ['./src/seller/model.ts', './src/consent/model.ts', './src/payment/model.ts', './src/payout/model.ts', './src/webhook/model.ts'],
  out: './drizzle',
  schemaFilter: ['payments']
})
