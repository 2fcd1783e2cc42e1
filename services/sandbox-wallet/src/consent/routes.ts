import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { formatMinorUnits } from '@voces/platform'
import type { SandboxDeps } from '../deps.ts'
import { grantAccess, type Grant } from '../grant/model.ts'
import { AnswerRecordedPage, ConsentPage, InteractionEndedPage } from './page.tsx'
import { consentLanguage, type ConsentLanguage } from './language.ts'

/**
 * The consent page a person sees when a client asks to pay from their account. The sandbox has no
 * account login: whoever holds the interaction URL (a secret, single-use, expiring) answers for the
 * account named in the grant, which is what a test network wallet does once you are signed in.
 * A grant requested without `finish` has nowhere to send the person back to: the page says the
 * answer was recorded, and the client learns it by polling its continuation.
 */
export function consentRoutes(app: FastifyInstance, deps: SandboxDeps): void {
  type Params = { Params: { id: string; nonce: string }; Querystring: { lang?: string } }
  const languageOf = (request: FastifyRequest<Params>) => consentLanguage(request.query.lang, request.headers['accept-language'])
  const { interactions } = deps.grants

  const html = (reply: FastifyReply) => reply.type('text/html; charset=utf-8').header('cache-control', 'no-store')
  const end = async (reply: FastifyReply, lang: ConsentLanguage, status: number, reason: 'expired' | 'invalid' | 'unknown') =>
    html(reply).code(status).send(await InteractionEndedPage({ lang, reason }))

  app.get<Params>('/interact/:id/:nonce', async (request, reply) => {
    const lang = languageOf(request)
    const grant = await interactions.get(request.params.id, request.params.nonce)
    // Rafiki's interaction start answers an unknown interaction 400 unknown_interaction.
    if (!grant) return end(reply, lang, 400, 'unknown')
    const step = interactions.open(grant)
    // Rafiki redirects with Koa's default 302.
    if (step.kind === 'redirect') return reply.redirect(step.url, 302)
    if (step.kind === 'ended') return end(reply, lang, step.status, step.reason)
    return html(reply).send(await consentPage(grant, `/interact/${request.params.id}/${request.params.nonce}`, lang))
  })

  for (const decision of ['approve', 'deny'] as const) {
    app.post<Params>(`/interact/:id/:nonce/${decision}`, async (request, reply) => {
      const lang = languageOf(request)
      const grant = await interactions.get(request.params.id, request.params.nonce)
      // Rafiki's interaction finish answers an unknown interaction 404 unknown_interaction.
      if (!grant) return end(reply, lang, 404, 'unknown')
      const step = await interactions.answer(grant, decision)
      if (step.kind === 'redirect') {
        request.log.info({ grantId: grant.id, decision }, 'interaction answered')
        return reply.redirect(step.url, 303)
      }
      if (step.kind === 'ended') return end(reply, lang, step.status, step.reason)
      request.log.info({ grantId: grant.id, decision }, 'interaction answered; the client polls for it')
      const client = await deps.grants.describeClient(grant.client ?? '')
      return html(reply).send(await AnswerRecordedPage({ lang, decision, clientName: client?.name ?? grant.client ?? undefined }))
    })
  }

  async function consentPage(grant: Grant, base: string, lang: ConsentLanguage) {
    const outgoing = grantAccess(grant).find((item) => item.type === 'outgoing-payment')
    const accountName = outgoing?.identifier.slice(`${deps.config.baseUrl}/`.length) ?? ''
    const account = await deps.walletAddresses.getByName(accountName)
    const [client, target] = await Promise.all([
      deps.grants.describeClient(grant.client ?? ''),
      outgoing?.limits?.receiver ? deps.incomingPayments.resolveReceiver(outgoing.limits.receiver) : undefined
    ])
    const expected = target?.payment.incomingAmount
    const limit = outgoing?.limits?.debitAmount ?? outgoing?.limits?.receiveAmount
    return ConsentPage({
      lang,
      // Relative: the same page with the other language chosen (a link, so it works without JavaScript).
      switchHref: `${base}?lang=${lang === 'es' ? 'en' : 'es'}`,
      clientName: client?.name ?? grant.client ?? undefined,
      accountName: account?.publicName ?? accountName,
      accountUrl: outgoing?.identifier ?? '',
      balance: account ? `${formatMinorUnits(await deps.ledger.balance(account.id), account.assetScale)} ${account.assetCode}` : undefined,
      limit: limit
        ? `${formatMinorUnits(BigInt(limit.value), limit.assetScale)} ${limit.assetCode}`
        : undefined,
      limitIsReceived: Boolean(outgoing?.limits?.receiveAmount) && !outgoing?.limits?.debitAmount,
      // Who is paid, by name; never the incoming payment's URL (its wallet's address if it has no name).
      receiverName: target ? target.wallet.publicName || `${deps.config.baseUrl}/${target.wallet.name}` : undefined,
      receives:
        target && expected !== null && expected !== undefined
          ? `${formatMinorUnits(expected - target.payment.receivedAmount, target.wallet.assetScale)} ${target.wallet.assetCode}`
          : undefined,
      interval: outgoing?.limits?.interval,
      expiresAt: grant.interactionExpiresAt ?? deps.clock.now(),
      approveAction: `${base}/approve?lang=${lang}`,
      denyAction: `${base}/deny?lang=${lang}`
    })
  }
}
