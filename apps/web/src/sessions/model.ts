import { index, text, timestamp, uuid } from 'drizzle-orm/pg-core'
import { web } from '../db/schema.ts'
import { users } from '../domain/user.ts'

/** The cookie holds a random token; the table holds only its SHA-256, so a database leak logs no one in. */
export const sessions = web.table(
  'sessions',
  {
    id: text('id').primaryKey(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull()
  },
  (t) => [index('sessions_user_idx').on(t.userId)]
)
