import { timingSafeEqual } from 'node:crypto'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { z } from 'zod'
import { formatMinorUnits } from '@voces/platform'
import type { SandboxDeps } from '../deps.ts'
import { urls } from '../config.ts'
import { fail, isFailure, sendFailure } from '../http/errors.ts'
import { faultsSchema } from '../http/faults.ts'

const walletInput = z.object({ name: z.string(), publicName: z.string().min(1).max(200), assetCode: z.string() })
const keyInput = z.object({
  jwk: z.object({ kid: z.string().min(1), alg: z.literal('EdDSA'), kty: z.literal('OKP'), crv: z.literal('Ed25519'), x: z.string().min(43), use: z.literal('sig').optional() })
})
const depositInput = z.object({ value: z.union([z.string().regex(/^\d{1,19}$/), z.number().int().positive()]).transform(BigInt) })

/**
 * The sandbox's admin API for tests and demos, behind a bearer token: wallet addresses, client keys
 * (as real wallets let developers upload keys), deposits, balances and fault injection.
 */
export function adminRoutes(app: FastifyInstance, deps: SandboxDeps): void {
  const u = urls(deps.config)

  app.register(async (admin) => {
    admin.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
      const expected = deps.config.adminToken
      const given = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '')?.[1]
      if (!expected || !given || !safeEqual(given, expected)) {
        return sendFailure(reply, fail('unauthorized', 'admin token required'))
      }
    })

    const invalid = (reply: FastifyReply, error: z.ZodError) =>
      sendFailure(reply, fail('invalid_request', error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')))

    /**
     * A wallet with `balance` (credited, spendable) and `pending`: what its incoming payments received
     * and still hold until they complete or expire, when an account servicing entity credits it.
     */
    const describe = async (wallet: NonNullable<Awaited<ReturnType<typeof deps.walletAddresses.getByName>>>) => {
      const balance = await deps.ledger.balance(wallet.id)
      const pending = await deps.incomingPayments.held(wallet.id)
      return {
        id: wallet.id,
        name: wallet.name,
        url: u.walletAddress(wallet.name),
        publicName: wallet.publicName,
        assetCode: wallet.assetCode,
        assetScale: wallet.assetScale,
        balance: balance.toString(),
        balanceFormatted: formatMinorUnits(balance, wallet.assetScale),
        pending: pending.toString(),
        pendingFormatted: formatMinorUnits(pending, wallet.assetScale)
      }
    }

    admin.post('/admin/wallet-addresses', async (request, reply) => {
      const input = walletInput.safeParse(request.body)
      if (!input.success) return invalid(reply, input.error)
      const created = await deps.walletAddresses.create(input.data)
      if (isFailure(created)) return sendFailure(reply, created)
      return reply.code(201).send(await describe(created))
    })

    admin.get('/admin/wallet-addresses', async () => Promise.all((await deps.walletAddresses.list()).map(describe)))

    admin.get<{ Params: { name: string } }>('/admin/wallet-addresses/:name', async (request, reply) => {
      const wallet = await deps.walletAddresses.getByName(request.params.name)
      return wallet ? describe(wallet) : sendFailure(reply, fail('not_found'))
    })

    admin.post<{ Params: { name: string } }>('/admin/wallet-addresses/:name/keys', async (request, reply) => {
      const input = keyInput.safeParse(request.body)
      if (!input.success) return invalid(reply, input.error)
      const wallet = await deps.walletAddresses.getByName(request.params.name)
      if (!wallet) return sendFailure(reply, fail('not_found'))
      await deps.walletAddresses.addKey(wallet.id, input.data.jwk)
      return reply.code(201).send({ kid: input.data.jwk.kid })
    })

    admin.post<{ Params: { name: string } }>('/admin/wallet-addresses/:name/deposits', async (request, reply) => {
      const input = depositInput.safeParse(request.body)
      if (!input.success) return invalid(reply, input.error)
      const wallet = await deps.walletAddresses.getByName(request.params.name)
      if (!wallet) return sendFailure(reply, fail('not_found'))
      await deps.ledger.deposit(wallet, input.data.value, `deposit:${Date.now()}`)
      return reply.code(201).send(await describe(wallet))
    })

    admin.get('/admin/faults', async () => deps.faults.current)

    admin.put('/admin/faults', async (request, reply) => {
      const input = faultsSchema.safeParse(request.body ?? {})
      if (!input.success) return invalid(reply, input.error)
      deps.faults.current = input.data
      request.log.warn({ faults: input.data }, 'fault injection changed')
      return input.data
    })
  })
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a)
  const y = Buffer.from(b)
  return x.length === y.length && timingSafeEqual(x, y)
}
