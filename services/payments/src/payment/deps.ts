import type { Clock, Db, Logger } from '@voces/platform'
import type { PaymentsConfig } from '../config.ts'
import type { OpenPayments } from '../open-payments/client.ts'
import type { SellerService } from '../seller/service.ts'
import type { PaymentStore } from './store.ts'

export interface PaymentDeps {
  db: Db
  logger: Logger
  openPayments: OpenPayments
  sellers: SellerService
  store: PaymentStore
  clock: Clock
  config: Pick<PaymentsConfig, 'publicBaseUrl' | 'allowedReturnOrigins' | 'consentTimeoutMs' | 'settlementDeadlineMs' | 'reviewRecheckMs' | 'maxContinueWaitMs' | 'worker'>
}

/** Is `url` an absolute http(s) URL on one of the allowed origins? (No open redirect.) */
export function isAllowedReturnUrl(url: string, allowedOrigins: string[]): boolean {
  try {
    const parsed = new URL(url)
    return (parsed.protocol === 'http:' || parsed.protocol === 'https:') && allowedOrigins.includes(parsed.origin)
  } catch {
    return false
  }
}
