import type { FastifyInstance } from 'fastify'
import type { SandboxDeps } from '../deps.ts'
import { urls } from '../config.ts'

/** The wallet address server: `GET /<name>` and `GET /<name>/jwks.json`, both public. */
export function walletAddressRoutes(app: FastifyInstance, deps: SandboxDeps): void {
  const u = urls(deps.config)

  app.get<{ Params: { name: string } }>('/:name', deps.openApi.route('walletAddress', '/', 'get'), async (request, reply) => {
    const wallet = await deps.walletAddresses.getByName(request.params.name)
    // The wallet address spec answers an unknown address with a bare 404.
    if (!wallet) return reply.code(404).send()
    return reply.send({
      id: u.walletAddress(wallet.name),
      publicName: wallet.publicName,
      assetCode: wallet.assetCode,
      assetScale: wallet.assetScale,
      authServer: u.authServer(),
      resourceServer: u.resourceServer()
    })
  })

  app.get<{ Params: { name: string } }>(
    '/:name/jwks.json',
    deps.openApi.route('walletAddress', '/jwks.json', 'get'),
    async (request, reply) => {
      const wallet = await deps.walletAddresses.getByName(request.params.name)
      if (!wallet) return reply.code(404).send()
      return reply.send({ keys: await deps.walletAddresses.keys(wallet.id) })
    }
  )
}
