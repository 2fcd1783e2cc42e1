import type { ErrorStatus } from '../http/errors.ts'

export const testWalletErrorStatus = {
  /** The sandbox wallet did not answer, or answered outside its admin API. */
  test_wallet_unavailable: 502
} as const satisfies ErrorStatus
export type TestWalletError = keyof typeof testWalletErrorStatus
