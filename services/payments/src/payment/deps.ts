import type { Clock, Db, Logger } from '@voces/platform'
import type { PaymentsConfig } from '../config.ts'
import type { ConsentService } from '../consent/service.ts'
import type { OpenPayments } from '../open-payments/client.ts'
import type { SellerService } from '../seller/service.ts'
import type { PaymentStore } from './store.ts'

export interface PaymentDeps {
  db: Db
  logger: Logger
  openPayments: OpenPayments
  sellers: SellerService
  store: PaymentStore
  consents: ConsentService
  clock: Clock
  config: Pick<PaymentsConfig, 'publicBaseUrl' | 'allowedReturnOrigins' | 'consentTimeoutMs' | 'settlementDeadlineMs' | 'reviewRecheckMs' | 'maxContinueWaitMs' | 'paymentGrantLimit' | 'worker'>
}
