import { createHash, randomUUID } from 'node:crypto'
import { and, eq } from 'drizzle-orm'
import type { Clock, Db } from '@voces/platform'
import { grants } from '../db/schema.ts'
import { urls, type SandboxConfig } from '../config.ts'
import { interactionExpired, isFinishable, isRejected, isRevoked, type Decision, type Grant, type InteractionStep } from './model.ts'

export interface InteractionService {
  get(interactId: string, nonce: string): Promise<Grant | undefined>
  /** Opening the interaction URL: the consent page, or why it cannot be answered. */
  open(grant: Grant): InteractionStep
  /** The person's answer: recorded, then the client is told (finish redirect) or polls. */
  answer(grant: Grant, decision: Decision): Promise<InteractionStep>
}

/**
 * The front channel of the auth server. Rafiki splits it between its auth server
 * (packages/auth/src/interaction/routes.ts: start, finish) and an identity provider (choice); the
 * sandbox is both, so opening the URL is Rafiki's `start` and answering is `choice` + `finish`.
 */
export function createInteractionService(deps: { db: Db; config: SandboxConfig; clock: Clock }): InteractionService {
  const { db, clock } = deps
  const u = urls(deps.config)

  const redirect = (grant: Grant & { finishUri: string }, params: Record<string, string>): InteractionStep => ({
    kind: 'redirect',
    url: withQuery(grant.finishUri, params)
  })
  // Rafiki's `start` on an interaction that is no longer pending (answered, cancelled).
  const invalid = (grant: Grant, status: number): InteractionStep =>
    isFinishable(grant)
      ? redirect(grant, { result: 'invalid_interaction', message: 'invalid interaction' })
      : { kind: 'ended', status, reason: 'invalid' }
  // Rafiki's `finish` on an expired interaction.
  const expired = (grant: Grant): InteractionStep =>
    isFinishable(grant)
      ? redirect(grant, { result: 'invalid_interaction', message: 'interaction expired' })
      : { kind: 'ended', status: 401, reason: 'expired' }

  /** Moves a pending grant on, once: false when another answer got there first. */
  async function transition(grant: Grant, set: Partial<Grant>): Promise<boolean> {
    const updated = await db
      .update(grants)
      .set(set)
      .where(and(eq(grants.id, grant.id), eq(grants.state, 'pending')))
      .returning({ id: grants.id })
    return updated.length > 0
  }

  return {
    async get(interactId, nonce) {
      if (!isUuid(interactId)) return undefined
      const [grant] = await db.select().from(grants).where(eq(grants.interactId, interactId))
      return grant && grant.interactNonce === nonce ? grant : undefined
    },

    open(grant) {
      if (grant.state !== 'pending') return invalid(grant, 403)
      // Rafiki checks expiry only when the interaction finishes; the sandbox is its own identity
      // provider, so it says so as soon as the page is opened rather than after the person answers.
      if (interactionExpired(grant, clock.now())) return expired(grant)
      return { kind: 'show' }
    },

    async answer(grant, decision) {
      if (interactionExpired(grant, clock.now())) return expired(grant)
      if (isRevoked(grant)) {
        return isFinishable(grant)
          ? redirect(grant, { result: 'unknown_interaction', message: 'unknown interaction' })
          : { kind: 'ended', status: 404, reason: 'unknown' }
      }
      // Rafiki's choice route: 401 user_denied for a rejected grant, 400 for any other non-pending one.
      if (grant.state !== 'pending') return invalid(grant, isRejected(grant) ? 401 : 400)

      if (decision === 'deny') {
        if (!(await transition(grant, { state: 'finalized', finalizationReason: 'rejected' }))) return invalid(grant, 400)
        return isFinishable(grant) ? redirect(grant, { result: 'grant_rejected' }) : { kind: 'recorded', decision }
      }
      const interactRef = randomUUID()
      if (!(await transition(grant, { state: 'approved', interactRef }))) return invalid(grant, 400)
      if (!isFinishable(grant)) return { kind: 'recorded', decision }
      const hash = createHash('sha256')
        .update(`${grant.clientNonce}\n${grant.interactNonce}\n${interactRef}\n${u.authServer()}`)
        .digest('base64')
      return redirect(grant, { hash, interact_ref: interactRef })
    }
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
export const isUuid = (value: string) => UUID.test(value)

export function withQuery(uri: string, params: Record<string, string>): string {
  const url = new URL(uri)
  for (const [key, value] of Object.entries(params)) url.searchParams.set(key, value)
  return url.toString()
}
