import type { FastifyInstance } from 'fastify'
import type { TestWalletService } from './service.ts'
import { testWalletErrorStatus } from './errors.ts'
import { commonErrorStatus } from '../http/errors.ts'
import { errorPages, redirect } from '../http/render.tsx'
import { requireUser } from '../http/guards.ts'
import type { User } from '../domain/user.ts'
import type { ViewCtx } from '../views/context.ts'
import { TestWalletOffer } from './views/offer.tsx'

const errorPage = errorPages({ ...commonErrorStatus, ...testWalletErrorStatus })

/** The profile's test-wallet card, read before the page is built (users/routes.tsx profileExtra). */
export function testWalletProfile(testWallets: TestWalletService) {
  return async (user: User) => {
    const wallet = await testWallets.current(user)
    return (ctx: ViewCtx) => <TestWalletOffer ctx={ctx} wallet={wallet} funds={testWallets.funds} />
  }
}

/** Registered only when test wallets are on (the marketplace runs against the sandbox wallet). */
export function testWalletRoutes(app: FastifyInstance, deps: { testWallets: TestWalletService }): void {
  app.post('/profile/test-wallet', async (req, reply) => {
    const user = requireUser(req, reply)
    if (!user) return reply
    const result = await deps.testWallets.create(user)
    if (typeof result === 'string') return errorPage(req, reply, result)
    return redirect(reply, '/profile', 'test_wallet_created')
  })
}
