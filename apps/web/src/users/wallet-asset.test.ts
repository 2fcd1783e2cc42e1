import { expect, test } from 'vitest'
import type { PaymentsClient } from '../payments-client/types.ts'
import { createWalletAssetLookup } from './wallet-asset.ts'

test('a wallet asset is asked once and remembered; a failure is remembered for a minute only; a slow wallet is not waited for', async () => {
  let at = 0
  const asked: string[] = []
  const answers: Record<string, unknown> = {
    'https://w.example/ana': { ok: true, value: { assetCode: 'MXN', assetScale: 2 } },
    'https://w.example/gone': { ok: false, error: 'wallet_unreachable', message: 'gone' }
  }
  const payments = {
    checkWallet: (url: string) => {
      asked.push(url)
      return url.endsWith('/slow') ? new Promise(() => {}) : Promise.resolve(answers[url])
    }
  } as unknown as PaymentsClient
  const walletAsset = createWalletAssetLookup({ payments, now: () => at })

  expect(await walletAsset('https://w.example/ana')).toEqual({ assetCode: 'MXN', assetScale: 2 })
  expect(await walletAsset('https://w.example/ana')).toEqual({ assetCode: 'MXN', assetScale: 2 })
  expect(await walletAsset('https://w.example/gone')).toBeNull()
  expect(await walletAsset('https://w.example/slow', { waitMs: 10 })).toBeNull()
  expect(asked).toEqual(['https://w.example/ana', 'https://w.example/gone', 'https://w.example/slow'])

  at = 61_000 // past a failure's minute, within a found asset's ten
  await walletAsset('https://w.example/ana')
  await walletAsset('https://w.example/gone')
  expect(asked.slice(3)).toEqual(['https://w.example/gone'])
  at = 11 * 60_000
  await walletAsset('https://w.example/ana')
  expect(asked.slice(4)).toEqual(['https://w.example/ana'])
  await walletAsset('https://w.example/ana', { fresh: true })
  expect(asked.slice(5)).toEqual(['https://w.example/ana'])
})
