import type { FastifyInstance, FastifyReply } from 'fastify'
import type { JWK } from '@interledger/http-signature-utils'
import type { SandboxDeps } from '../deps.ts'
import { fail, isFailure, sendFailure, type Failure } from '../http/errors.ts'
import { gnapToken } from '../http/auth.ts'
import type { RawBodyRequest } from '../http/signatures.ts'
import type { Grant, GrantRequestBody } from './model.ts'
import type { GrantResponse } from './service.ts'

/** The GNAP authorization server: grant requests, continuation, cancellation and token management. */
export function grantRoutes(app: FastifyInstance, deps: SandboxDeps): void {
  const { grants, signatures, openApi } = deps

  // Rafiki's verifySigFromClient (packages/auth/src/signature/middleware.ts): a key id the client's
  // JWKS lacks, or a JWKS that cannot be fetched, is 400 "could not determine client"; every other
  // signature problem is 401 invalid_client.
  const signatureFailure = async (request: RawBodyRequest, client: { walletAddress?: string | null; jwk?: JWK | null }): Promise<Failure | undefined> => {
    const check = await signatures.check(request, client)
    if (check.ok) return undefined
    switch (check.problem) {
      case 'missing_key_id':
        return fail('invalid_signature_input')
      case 'keys_unavailable':
      case 'unknown_key':
        return fail('unknown_client')
      case 'invalid_signature':
        return fail('invalid_signature')
    }
  }
  const signedBy = (request: RawBodyRequest, grant: Pick<Grant, 'client' | 'clientJwk'>) =>
    signatureFailure(request, { walletAddress: grant.client, jwk: grant.clientJwk as JWK | null })
  // What Rafiki's signature middlewares throw reaches the client without its response validator
  // (POST /token/{id} lists no 400 invalid_client, yet an unknown key gets one).
  const refuse = (request: RawBodyRequest, reply: FastifyReply, failure: Failure) => {
    openApi.skipResponseCheck(request)
    return sendFailure(reply, failure)
  }

  // grantInitiationHttpsigMiddleware: the signature headers, then the key of the client the body names.
  app.post<{ Body: GrantRequestBody }>('/auth', openApi.route('auth', '/', 'post'), async (request, reply) => {
    if (!signatures.hasValidHeaders(request)) return refuse(request, reply, fail('invalid_signature_headers'))
    const refused = await signatureFailure(request, grants.clientOf(request.body))
    if (refused) return refuse(request, reply, refused)
    const result = await grants.request(request.body)
    return isFailure(result) ? sendFailure(reply, result) : sendGrant(reply, result)
  })

  // grantContinueHttpsigMiddleware: the signature headers and a continuation token, then the grant
  // they name (a cancelled one is gone), then the client's signature.
  const continuedGrant = async (request: RawBodyRequest & { params: { id: string } }) => {
    const token = gnapToken(request)
    if (!token || !signatures.hasValidHeaders(request)) return fail('invalid_signature_headers')
    const grant = await grants.getByContinue(request.params.id, token)
    if (!grant) return fail('invalid_continuation')
    return (await signedBy(request, grant)) ?? grant
  }

  app.post<{ Params: { id: string }; Body: { interact_ref?: string } | undefined }>(
    '/auth/continue/:id',
    openApi.route('auth', '/continue/{id}', 'post'),
    async (request, reply) => {
      const grant = await continuedGrant(request)
      if (isFailure(grant)) return refuse(request, reply, grant)
      const result = await grants.continue(grant, request.body)
      return isFailure(result) ? sendFailure(reply, result) : sendGrant(reply, result)
    }
  )

  app.delete<{ Params: { id: string } }>(
    '/auth/continue/:id',
    openApi.route('auth', '/continue/{id}', 'delete'),
    async (request, reply) => {
      const grant = await continuedGrant(request)
      if (isFailure(grant)) return refuse(request, reply, grant)
      await grants.cancel(grant)
      return reply.code(204).send()
    }
  )

  // Rafiki's tokenHttpsigMiddleware: the management URL alone names the token (the value in
  // `Authorization` is not compared) and the grant's client must have signed the request.
  const managedToken = async (request: RawBodyRequest & { params: { id: string } }) => {
    if (!signatures.hasValidHeaders(request)) return fail('invalid_signature_headers')
    const found = await grants.getTokenByManageId(request.params.id)
    if (!found) return fail('unknown_token')
    return (await signedBy(request, found.grant)) ?? found
  }

  app.post<{ Params: { id: string } }>('/auth/token/:id', openApi.route('auth', '/token/{id}', 'post'), async (request, reply) => {
    const found = await managedToken(request)
    if (isFailure(found)) return refuse(request, reply, found)
    const result = await grants.rotate(found.token, found.grant)
    return isFailure(result) ? sendFailure(reply, result) : reply.send({ access_token: result })
  })

  app.delete<{ Params: { id: string } }>('/auth/token/:id', openApi.route('auth', '/token/{id}', 'delete'), async (request, reply) => {
    const found = await managedToken(request)
    if (isFailure(found)) return refuse(request, reply, found)
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
