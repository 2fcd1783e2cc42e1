import type { Clock, Db, Logger } from '@voces/platform'
import type { SandboxConfig } from './config.ts'
import type { OpenApiValidators } from './http/openapi.ts'
import type { SignatureVerifier } from './http/signatures.ts'
import type { Faults } from './http/faults.ts'
import type { LedgerService } from './ledger/service.ts'
import type { WalletAddressService } from './wallet-address/service.ts'
import type { GrantService } from './grant/service.ts'
import type { ResourceAuthorizer } from './grant/resource-auth.ts'
import type { IncomingPaymentService } from './incoming-payment/service.ts'
import type { QuoteService } from './quote/service.ts'
import type { OutgoingPaymentService } from './outgoing-payment/service.ts'

/**
 * Everything a route may use, wired once in app.ts. It lives apart from app.ts so that routes can
 * name it without importing the composition root that imports them: types only, never a value.
 */
export interface SandboxDeps {
  config: SandboxConfig
  db: Db
  logger: Logger
  /** Where every expiry and wait window reads the time (tests move it by hand). */
  clock: Clock
  openApi: OpenApiValidators
  signatures: SignatureVerifier
  resourceAuth: ResourceAuthorizer
  ledger: LedgerService
  walletAddresses: WalletAddressService
  grants: GrantService
  incomingPayments: IncomingPaymentService
  quotes: QuoteService
  outgoingPayments: OutgoingPaymentService
  faults: { current: Faults }
}
