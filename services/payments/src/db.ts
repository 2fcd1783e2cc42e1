import { customType, pgSchema, timestamp } from 'drizzle-orm/pg-core'

/** This service's own Postgres schema; migrations live in ../drizzle. */
export const paymentsSchema = pgSchema('payments')

/** Minor units: numeric(39,0) in the database (wider than any u64 ledger value), bigint in TypeScript. */
export const minorUnits = customType<{ data: bigint; driverData: string }>({
  dataType: () => 'numeric(39, 0)',
  toDriver: (value) => value.toString(),
  fromDriver: (value) => BigInt(String(value))
})

export const createdAt = () => timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow()
export const updatedAt = () => timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow()
export const at = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' })
