import { defineConfig } from 'drizzle-kit'

// Every resource declares its tables in its own model.ts (the account, which all of them refer to, in
// src/domain/user.ts), all in the `web` Postgres schema.
export default defineConfig({
  dialect: 'postgresql',
  schema: ['./src/*/model.ts', './src/domain/user.ts'],
  out: './drizzle',
  schemaFilter: ['web']
})
