import { z } from 'zod'
import { addressEnv, env, parseEnv, serviceUrls } from '@voces/platform'

const schema = z.object({
  NODE_ENV: env.nodeEnv(),
  LOG_LEVEL: env.logLevel(),
  SANDBOX_HOST: z.string().default('127.0.0.1'),
  /** SANDBOX_PORT; SANDBOX_BASE_URL, the public base URL: wallet addresses are `${base}/<name>`. */
  ...addressEnv.sandbox,
  /**
   * Origins of client wallets the sandbox may fetch (keys, public name) over plain http or on a private
   * address, comma-separated; its own origin always may, other clients only over https on public addresses.
   */
  SANDBOX_ALLOWED_CLIENT_ORIGINS: z
    .string()
    .default('')
    .transform((s) => s.split(',').map((o) => o.trim()).filter(Boolean))
    .pipe(z.array(z.url())),
  /** Bearer token of the admin API; generated into the data directory at first start when unset. */
  SANDBOX_ADMIN_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  DATABASE_URL: z.string().optional(),
  DATA_DIR: z.string().default('./data'),
  /** Where the marketplace's Ed25519 private key is written at first start (seed only). */
  SANDBOX_MARKETPLACE_KEY_PATH: z.string().default('./data/keys/marketplace.pem'),
  SANDBOX_SEED: env.bool(true),
  /** Seconds a client must wait before continuing an interactive grant (GNAP `wait`; Rafiki: 5). */
  SANDBOX_GRANT_WAIT_SECONDS: z.coerce.number().int().min(0).max(600).default(5),
  SANDBOX_INTERACTION_TTL_SECONDS: z.coerce.number().int().min(1).default(600),
  SANDBOX_ACCESS_TOKEN_TTL_SECONDS: z.coerce.number().int().min(1).default(600),
  SANDBOX_QUOTE_TTL_SECONDS: z.coerce.number().int().min(1).default(300),
  /** Delay before an outgoing payment settles, to behave as asynchronously as a real wallet. */
  SANDBOX_SETTLEMENT_DELAY_MS: z.coerce.number().int().min(0).default(300),
  /**
   * Rafiki's sending fee, charged on every quote: a fixed part in minor units of the sender's asset
   * (50 = 0.50) plus basis points of the amount sent (100 = 1%, rounded up), as packages/backend/src/fee/model.ts.
   */
  SANDBOX_FEE_FIXED: z.coerce.number().int().min(0).max(1_000_000).default(50),
  SANDBOX_FEE_BASIS_POINTS: z.coerce.number().int().min(0).max(5000).default(100),
  /** Validate every request and response against the SDK's OpenAPI specs (off only in production). */
  SANDBOX_VALIDATE_OPENAPI: env.bool(true)
})

export type SandboxEnv = z.infer<typeof schema>

export interface SandboxConfig {
  nodeEnv: SandboxEnv['NODE_ENV']
  logLevel: SandboxEnv['LOG_LEVEL']
  host: string
  port: number
  /** Mutable so that tests listening on port 0 can fill it in before the first request. */
  baseUrl: string
  adminToken: string | undefined
  allowedClientOrigins: string[]
  databaseUrl: string | undefined
  dataDir: string
  marketplaceKeyPath: string
  seed: boolean
  grantWaitSeconds: number
  interactionTtlSeconds: number
  accessTokenTtlSeconds: number
  quoteTtlSeconds: number
  settlementDelayMs: number
  feeFixed: number
  feeBasisPoints: number
  validateOpenApi: boolean
}

export function loadSandboxConfig(source: NodeJS.ProcessEnv = process.env): SandboxConfig {
  const e = parseEnv(schema, source)
  return {
    nodeEnv: e.NODE_ENV,
    logLevel: e.LOG_LEVEL,
    host: e.SANDBOX_HOST,
    port: e.SANDBOX_PORT,
    baseUrl: serviceUrls(source).sandbox,
    adminToken: e.SANDBOX_ADMIN_TOKEN,
    allowedClientOrigins: e.SANDBOX_ALLOWED_CLIENT_ORIGINS,
    databaseUrl: e.DATABASE_URL,
    dataDir: e.DATA_DIR,
    marketplaceKeyPath: e.SANDBOX_MARKETPLACE_KEY_PATH,
    seed: e.SANDBOX_SEED,
    grantWaitSeconds: e.SANDBOX_GRANT_WAIT_SECONDS,
    interactionTtlSeconds: e.SANDBOX_INTERACTION_TTL_SECONDS,
    accessTokenTtlSeconds: e.SANDBOX_ACCESS_TOKEN_TTL_SECONDS,
    quoteTtlSeconds: e.SANDBOX_QUOTE_TTL_SECONDS,
    settlementDelayMs: e.SANDBOX_SETTLEMENT_DELAY_MS,
    feeFixed: e.SANDBOX_FEE_FIXED,
    feeBasisPoints: e.SANDBOX_FEE_BASIS_POINTS,
    validateOpenApi: e.NODE_ENV === 'production' ? false : e.SANDBOX_VALIDATE_OPENAPI
  }
}

/** Where each part of the sandbox lives, derived from the base URL at call time. */
export const urls = (config: SandboxConfig) => ({
  walletAddress: (name: string) => `${config.baseUrl}/${name}`,
  authServer: () => `${config.baseUrl}/auth`,
  resourceServer: () => config.baseUrl,
  continue: (continueId: string) => `${config.baseUrl}/auth/continue/${continueId}`,
  token: (manageId: string) => `${config.baseUrl}/auth/token/${manageId}`,
  interact: (interactId: string, nonce: string) => `${config.baseUrl}/interact/${interactId}/${nonce}`,
  incomingPayment: (id: string) => `${config.baseUrl}/incoming-payments/${id}`,
  quote: (id: string) => `${config.baseUrl}/quotes/${id}`,
  outgoingPayment: (id: string) => `${config.baseUrl}/outgoing-payments/${id}`
})

/** Path segments a wallet address name may not take, because the sandbox routes them. */
export const RESERVED_NAMES = new Set([
  'auth',
  'interact',
  'admin',
  'incoming-payments',
  'outgoing-payments',
  'quotes',
  'health',
  'jwks.json',
  '.well-known'
])
