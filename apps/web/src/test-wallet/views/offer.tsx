import type { ViewCtx } from '../../views/context.ts'
import { PostButton } from '../../views/form.tsx'
import { Speak } from '../../views/speak.tsx'
import { money } from '../../domain/money.ts'
import type { Amount } from '@voces/platform'
import type { SandboxWallet } from '../sandbox.ts'

/**
 * On the profile, in the sandbox only: the person's test wallet and its balance, or the one-tap
 * button that makes one. Both say in words (and a speaker) that the money is play money.
 */
export function TestWalletOffer(p: { ctx: ViewCtx; wallet: SandboxWallet | null | 'unavailable'; funds: Amount }): JSX.Element {
  const { ctx } = p
  const { t } = ctx
  const wallet = typeof p.wallet === 'object' ? p.wallet : null
  return (
    <section class="card stack test-wallet" aria-labelledby="test-wallet-title">
      <h2 id="test-wallet-title">
        <Speak slug="test_wallet.title" text={t('test_wallet.title')} ctx={ctx} />
      </h2>
      {wallet ? (
        <>
          <p>
            <Speak
              slug="test_wallet.balance"
              text={t('test_wallet.balance', { balance: money(wallet.balance, wallet.assetCode, wallet.assetScale, ctx.lang) })}
              ctx={ctx}
            />
          </p>
          <p class="wallet-url" data-test-wallet={wallet.url} safe>
            {wallet.url}
          </p>
        </>
      ) : (
        <>
          <p>
            <Speak slug="test_wallet.offer" text={t('test_wallet.offer', { funds: money(p.funds.value, p.funds.assetCode, p.funds.assetScale, ctx.lang) })} ctx={ctx} />
          </p>
          {p.wallet === 'unavailable' ? (
            <p class="alert error" role="alert">
              <Speak slug="errors.test_wallet_unavailable" text={t('errors.test_wallet_unavailable')} ctx={ctx} />
            </p>
          ) : (
            ''
          )}
          <PostButton ctx={ctx} csrf={ctx.csrf} action="/profile/test-wallet" slug="test_wallet.create" text={t('test_wallet.create')} />
        </>
      )}
    </section>
  )
}
