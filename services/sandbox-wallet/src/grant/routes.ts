import type { FastifyInstance, FastifyReply } from 'fastify'
import type { JWK } from '@interledger/http-signature-utils'
import type { SandboxDeps } from '../app.ts'
import { fail, isFailure, sendFailure } from '../http/errors.ts'
import { gnapToken } from '../http/auth.ts'
import type { RawBodyRequest } from '../http/signatures.ts'
import type { Grant, GrantRequestBody } from './model.ts'
import type { GrantResponse } from './service.ts'

/** The GNAP authorization server: grant requests, continuation, cancellation and token management. */
export function grantRoutes(app: FastifyInstance, deps: SandboxDeps): void {
  const { grants, signatures, openApi } = deps

  const signedBy = (request: RawBodyRequest, grant: Pick<Grant, 'client' | 'clientJwk'>) =>
    signatures.verify(request, { walletAddress: grant.client, jwk: grant.clientJwk as JWK | null })

  app.post<{ Body: GrantRequestBody }>('/auth', openApi.route('auth', '/', 'post'), async (request, reply) => {
    const client = grants.clientOf(request.body)
    if (!(await signatures.verify(request, client))) return sendFailure(reply, fail('invalid_client'))
    const result = await grants.request(request.body)
    return isFailure(result) ? sendFailure(reply, result) : sendGrant(reply, result)
  })

  // Rafiki's grantContinueHttpsigMiddleware (packages/auth/src/signature/middleware.ts): the
  // continuation token finds the grant (a cancelled one is gone), then the client's signature.
  const continuedGrant = async (request: RawBodyRequest & { params: { id: string } }) => {
    const token = gnapToken(request)
    if (!token) return fail('invalid_client', 'missing continuation token')
    const grant = await grants.getByContinue(request.params.id, token)
    if (!grant) return fail('invalid_continuation')
    return (await signedBy(request, grant)) ? grant : fail('invalid_client')
  }

  app.post<{ Params: { id: string }; Body: { interact_ref?: string } | undefined }>(
    '/auth/continue/:id',
    openApi.route('auth', '/continue/{id}', 'post'),
    async (request, reply) => {
      const grant = await continuedGrant(request)
      if (isFailure(grant)) return sendFailure(reply, grant)
      const result = await grants.continue(grant, request.body)
      return isFailure(result) ? sendFailure(reply, result) : sendGrant(reply, result)
    }
  )

  app.delete<{ Params: { id: string } }>(
    '/auth/continue/:id',
    openApi.route('auth', '/continue/{id}', 'delete'),
    async (request, reply) => {
      const grant = await continuedGrant(request)
      if (isFailure(grant)) return sendFailure(reply, grant)
      await grants.cancel(grant)
      return reply.code(204).send()
    }
  )

  // Rafiki's tokenHttpsigMiddleware: the management URL alone names the token (the value in
  // `Authorization` is not compared) and the grant's client must have signed the request.
  const managedToken = async (request: RawBodyRequest & { params: { id: string } }) => {
    const found = await grants.getTokenByManageId(request.params.id)
    if (!found) return fail('unknown_token')
    return (await signedBy(request, found.grant)) ? found : fail('invalid_client')
  }

  app.post<{ Params: { id: string } }>('/auth/token/:id', openApi.route('auth', '/token/{id}', 'post'), async (request, reply) => {
    const found = await managedToken(request)
    if (isFailure(found)) return sendFailure(reply, found)
    const result = await grants.rotate(found.token, found.grant)
    return isFailure(result) ? sendFailure(reply, result) : reply.send({ access_token: result })
  })

  app.delete<{ Params: { id: string } }>('/auth/token/:id', openApi.route('auth', '/token/{id}', 'delete'), async (request, reply) => {
    const found = await managedToken(request)
    if (isFailure(found)) return sendFailure(reply, found)
    await grants.revoke(found.token)
    return reply.code(204).send()
  })
}

function sendGrant(reply: FastifyReply, result: GrantResponse) {
  const continueBody = { access_token: { value: result.continueToken }, uri: result.continueUri }
  switch (result.kind) {
    case 'issued':
      return reply.send({ access_token: result.accessToken, continue: continueBody })
    case 'interact':
      return reply.send({
        interact: { redirect: result.redirect, finish: result.finish },
        continue: { ...continueBody, wait: result.wait }
      })
    case 'pending':
      return reply.send({ continue: { ...continueBody, wait: result.wait } })
  }
}
