/**
 * The one contract between the web app and the payments service: every response (and request body)
 * of the payments API as zod schemas. The service derives its Fastify schemas (and so /docs) from
 * them and its views are typed by them; the web client validates every answer with them. A field
 * changed here fails type-checking on both sides; an answer that breaks it is an error, never a default.
 */
import { z } from 'zod'

export * from './amount.ts'
export * from './payment.ts'
export * from './payout.ts'
export * from './other.ts'
export * from './wallet-address.ts'

/** The JSON Schema (draft-07, as Fastify's validator and serializer expect) of a contract schema. */
export function jsonSchema(schema: z.ZodType): Record<string, unknown> {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { target: 'draft-7', io: 'output' }) as Record<string, unknown>
  return rest
}
