import { pgSchema } from 'drizzle-orm/pg-core'

/** The web app's own Postgres schema; other services have theirs. */
export const web = pgSchema('web')
