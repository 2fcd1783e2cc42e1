import type { FastifyInstance } from 'fastify'
import { formatMinorUnits } from '@voces/platform'
import type { SandboxDeps } from '../app.ts'
import { isFailure } from '../http/errors.ts'
import { grantAccess, interactionExpired, type Grant } from '../grant/model.ts'
import { ConsentPage, InteractionEndedPage } from './page.tsx'

/**
 * The consent page a person sees when a client asks to pay from their account. The sandbox has no
 * account login: whoever holds the interaction URL (a secret, single-use, expiring) answers for the
 * account named in the grant, which is what a test network wallet does once you are signed in.
 */
export function consentRoutes(app: FastifyInstance, deps: SandboxDeps): void {
  type Params = { Params: { id: string; nonce: string } }

  const ended = (grant: Grant | undefined) => {
    if (!grant) return InteractionEndedPage({ message: 'This payment request does not exist.', returnUrl: undefined })
    const message = interactionExpired(grant)
      ? 'This payment request has expired.'
      : 'This payment request was already answered.'
    return InteractionEndedPage({ message, returnUrl: deps.grants.invalidRedirect(grant) })
  }

  app.get<Params>('/interact/:id/:nonce', async (request, reply) => {
    reply.type('text/html; charset=utf-8').header('cache-control', 'no-store')
    const grant = await deps.grants.getInteraction(request.params.id, request.params.nonce)
    if (!grant || grant.state !== 'pending' || interactionExpired(grant)) return reply.code(410).send(await ended(grant))
    const outgoing = grantAccess(grant).find((item) => item.type === 'outgoing-payment')
    const accountName = outgoing?.identifier.slice(`${deps.config.baseUrl}/`.length) ?? ''
    const account = await deps.walletAddresses.getByName(accountName)
    const [client, target] = await Promise.all([
      publicName(grant.client ?? ''),
      outgoing?.limits?.receiver ? deps.incomingPayments.resolveReceiver(outgoing.limits.receiver) : undefined
    ])
    const expected = target?.payment.incomingAmount
    const limit = outgoing?.limits?.debitAmount ?? outgoing?.limits?.receiveAmount
    const base = `/interact/${request.params.id}/${request.params.nonce}`
    return reply.send(
      await ConsentPage({
        clientName: client ?? grant.client ?? 'Unknown client',
        clientUrl: grant.client ?? '',
        accountName: account?.publicName ?? accountName,
        accountUrl: outgoing?.identifier ?? '',
        balance: account
          ? `${formatMinorUnits(await deps.ledger.balance(account.id), account.assetScale)} ${account.assetCode}`
          : undefined,
        limit: limit
          ? `${formatMinorUnits(BigInt(limit.value), limit.assetScale)} ${limit.assetCode}${
              outgoing?.limits?.receiveAmount ? ' (received)' : ''
            }`
          : undefined,
        receiver: outgoing?.limits?.receiver,
        receiverName: target?.wallet.publicName,
        receives:
          target && expected !== null && expected !== undefined
            ? `${formatMinorUnits(expected - target.payment.receivedAmount, target.wallet.assetScale)} ${target.wallet.assetCode}`
            : undefined,
        interval: outgoing?.limits?.interval,
        expiresAt: grant.interactionExpiresAt ?? new Date(),
        approveAction: `${base}/approve`,
        denyAction: `${base}/deny`
      })
    )
  })

  for (const decision of ['approve', 'deny'] as const) {
    app.post<Params>(`/interact/:id/:nonce/${decision}`, async (request, reply) => {
      const grant = await deps.grants.getInteraction(request.params.id, request.params.nonce)
      const result = grant ? await deps.grants[decision](grant) : undefined
      if (!grant || !result || isFailure(result)) {
        return reply.code(410).type('text/html; charset=utf-8').send(await ended(grant))
      }
      request.log.info({ grantId: grant.id, decision }, 'interaction answered')
      return reply.redirect(result, 303)
    })
  }

  /** The client's public name, from its wallet address document, as any wallet would show it. */
  async function publicName(walletAddressUrl: string): Promise<string | undefined> {
    const local = walletAddressUrl.startsWith(`${deps.config.baseUrl}/`)
      ? await deps.walletAddresses.getByName(walletAddressUrl.slice(deps.config.baseUrl.length + 1))
      : undefined
    if (local) return local.publicName
    try {
      const response = await fetch(walletAddressUrl, { headers: { accept: 'application/json' }, signal: AbortSignal.timeout(3000) })
      return response.ok ? ((await response.json()) as { publicName?: string }).publicName : undefined
    } catch {
      return undefined
    }
  }
}
