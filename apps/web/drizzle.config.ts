import { defineConfig } from 'drizzle-kit'

// Every resource declares its tables in its own model.ts, all in the `web` Postgres schema.
export default defineConfig({
  dialect: 'postgresql',
  schema: './src/*/model.ts',
  out: './drizzle',
  schemaFilter: ['web']
})
