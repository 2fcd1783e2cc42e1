import { describe, expect, it } from 'vitest'
import { createUserService, type UserDeps } from './service.ts'
import { createFakePaymentsClient } from '../payments-client/fake.ts'
import type { PaymentsClient } from '../payments-client/types.ts'

/** Only the payments client is used by walletAsset: the other dependencies are never touched. */
const service = (payments: PaymentsClient) => createUserService({ payments } as UserDeps)

describe('walletAsset', () => {
  it('is the asset of the wallet address document', async () => {
    const fake = createFakePaymentsClient({ assetCode: 'MXN', assetScale: 2 })
    fake.walletAssets.set('https://wallet.test/eur', { assetCode: 'EUR', assetScale: 2 })
    expect(await service(fake).walletAsset('https://wallet.test/eur')).toEqual({ assetCode: 'EUR', assetScale: 2 })
    expect(await service(fake).walletAsset('https://wallet.test/other')).toEqual({ assetCode: 'MXN', assetScale: 2 })
    fake.unreachable = true
    expect(await service(fake).walletAsset('https://wallet.test/eur')).toBeNull()
  })

  it('does not keep a page waiting on a wallet that does not answer', async () => {
    const fake = createFakePaymentsClient()
    const silent: PaymentsClient = { ...fake, checkWallet: () => new Promise(() => {}) }
    expect(await service(silent).walletAsset('https://wallet.test/slow', 5)).toBeNull()
  })
})
