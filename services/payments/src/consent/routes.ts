import type { FastifyInstance } from 'fastify'
import type { ConsentPurpose, Finisher } from './model.ts'
import type { ConsentService } from './service.ts'
import { finishPage } from './pages.ts'

/**
 * The one finish route: the wallet sends the person's browser here after they answered on its
 * consent page. It finds the consent and hands the redirect to what the consent was for. Links sent
 * before consents had their own ids (`?pendingId=`, `?payoutGrantId=`) still work: those consents
 * kept their subject's id.
 */
export function registerConsentRoutes(app: FastifyInstance, deps: { consents: ConsentService; finishers: Record<ConsentPurpose, Finisher> }) {
  app.get<{ Querystring: { consent?: string; pendingId?: string; payoutGrantId?: string; hash?: string; interact_ref?: string; result?: string } }>(
    '/payments/finish',
    {
      schema: {
        summary: "The wallet's redirect after consent; sends the browser back to the return URL",
        tags: ['payments'],
        querystring: {
          type: 'object',
          properties: {
            consent: { type: 'string', maxLength: 100 },
            pendingId: { type: 'string', maxLength: 100 },
            payoutGrantId: { type: 'string', maxLength: 100 },
            hash: { type: 'string', maxLength: 200 },
            interact_ref: { type: 'string', maxLength: 500 },
            result: { type: 'string', maxLength: 100 }
          }
        },
        response: { 303: { type: 'null', description: 'Redirect to the return URL with ?payment=…&status=… (or ?payoutGrant=…)' } }
      }
    },
    async (request, reply) => {
      const { consent: consentId, pendingId, payoutGrantId, result, ...query } = request.query
      const id = consentId ?? pendingId ?? payoutGrantId
      const consent = id ? await deps.consents.find(id) : undefined
      const finisher = consent && deps.finishers[consent.purpose]
      const outcome = !consent || !finisher ? undefined : result ? await finisher.reported(consent, result) : await finisher.approved(consent, query)
      const page = finishPage(outcome)
      reply.header('cache-control', 'no-store').header('referrer-policy', 'no-referrer')
      if ('redirect' in page) return reply.redirect(page.redirect, 303)
      return reply.code(page.status).type('text/html; charset=utf-8').send(page.html)
    }
  )
}
