import { join, resolve } from 'node:path'
import { z } from 'zod'
import { addressEnv, ensureSecretFile, env, parseEnv, serviceUrls } from '@voces/platform'

/** Everything the service needs, validated once at start-up. Tests build it with `testConfig`-style overrides. */
export interface PaymentsConfig {
  port: number
  host: string
  /** Public base URL of this service: the wallet sends browsers back to `${publicBaseUrl}/payments/finish`. */
  publicBaseUrl: string
  logLevel: string
  /** Bearer token required on every route except /payments/finish, /health and /docs. */
  apiToken: string
  /**
   * The only directory `POST /sellers` may name a key file in (the API never reads a file elsewhere,
   * and never says whether one exists there).
   */
  sellerKeysDir: string
  /** The marketplace's own seller (escrow) wallet, registered at start. Absent: the service runs without one. */
  seller?: SellerKeyConfig | undefined
  /** Rewrite wallet URLs to http (only for a local non-TLS wallet such as the sandbox). */
  useHttp: boolean
  /**
   * Wallet origins that may be fetched even on a private address or over http: the marketplace's
   * own wallet provider (the seller wallet's origin is always in it) and WALLET_ALLOWED_ORIGINS.
   * Any other wallet must be https on a public address.
   */
  walletAllowedOrigins: string[]
  /** Origins a browser may be sent back to after consent (no open redirect). */
  allowedReturnOrigins: string[]
  webhook?: { url: string; secret: string } | undefined
  /**
   * How long a buyer has to give consent before the payment ends as expired. Keep it inside the
   * wallet's own interaction window (Rafiki: 10 minutes), so that nobody can approve at the wallet a
   * payment this service already gave up on.
   */
  consentTimeoutMs: number
  /**
   * How long a sent payment or payout may take to arrive. Past it, one the wallets have not settled
   * either way goes to `needs_review` for operators, and is still checked every `reviewRecheckMs`.
   */
  settlementDeadlineMs: number
  reviewRecheckMs: number
  /**
   * What a payment's outgoing-payment grant limits, and so what the buyer approves at her wallet.
   * `debit` (default): the quote's debit amount, fee included — the grant is asked once the quote is
   * known (3 wallet round trips before the buyer can be redirected). `receive`: what arrives at the
   * seller — the grant is asked beside the quote (2 round trips); the debit with its fee is then what the
   * marketplace shows from the quote, and this service still refuses a dearer re-quote.
   */
  paymentGrantLimit: 'debit' | 'receive'
  /** Timeout of each wallet HTTP call. */
  walletRequestTimeoutMs: number
  /** Longest the finish redirect waits for a grant's `wait` before leaving the continuation to the worker. */
  maxContinueWaitMs: number
  walletAddressCacheMs: number
  /** Bearer token Prometheus sends to /metrics; without it /metrics answers 404. */
  metricsToken?: string | undefined
  /** /health/ready fails when a queue's oldest due item is older than this. */
  maxWorkerLagSeconds: number
  worker: {
    pollMs: number
    /** How long a claimed job is reserved for one process before another may take it over. */
    leaseMs: number
    baseBackoffMs: number
    maxBackoffMs: number
    /** Consecutive transient failures after which a step gives up and the payment fails. */
    maxAttempts: number
  }
}

export interface SellerKeyConfig {
  id: string
  walletAddressUrl: string
  keyId: string
  privateKeyPath: string
}

const csv = z.string().transform((s) =>
  s
    .split(',')
    .map((part) => part.trim().replace(/\/+$/, ''))
    .filter(Boolean)
)

const schema = z
  .object({
    ...addressEnv.payments,
    PAYMENTS_HOST: z.string().default('127.0.0.1'),
    DATABASE_URL: z.string().optional(),
    DATA_DIR: z.string().default('./data'),
    SELLER_KEYS_DIR: z.string().min(1).optional(),
    LOG_LEVEL: env.logLevel(),
    PAYMENTS_API_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
    SELLER_ID: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/).default('marketplace'),
    SELLER_WALLET_ADDRESS_URL: env.url().optional(),
    SELLER_KEY_ID: z.string().min(1).optional(),
    SELLER_PRIVATE_KEY_PATH: z.string().min(1).optional(),
    OPEN_PAYMENTS_USE_HTTP: z.enum(['true', 'false', '1', '0']).optional(),
    /** Default: the web app's origin (WEB_BASE_URL, else http://localhost:$WEB_PORT). */
    ALLOWED_RETURN_ORIGINS: csv.optional(),
    WALLET_ALLOWED_ORIGINS: csv.default([]),
    WEBHOOK_URL: env.url().optional(),
    WEBHOOK_SECRET: z.string().regex(/^whsec_[A-Za-z0-9+/=]{16,}$/, 'must look like whsec_<base64>').optional(),
    CONSENT_TIMEOUT_MS: z.coerce.number().int().positive().default(9 * 60_000),
    SETTLEMENT_DEADLINE_MS: z.coerce.number().int().positive().default(30 * 60_000),
    REVIEW_RECHECK_MS: z.coerce.number().int().positive().default(5 * 60_000),
    PAYMENT_GRANT_LIMIT: z.enum(['debit', 'receive']).default('debit'),
    WALLET_REQUEST_TIMEOUT_MS: z.coerce.number().int().positive().default(5000),
    WORKER_POLL_MS: z.coerce.number().int().positive().default(1000),
    METRICS_TOKEN: z.string().min(16).optional(),
    MAX_WORKER_LAG_SECONDS: z.coerce.number().int().positive().default(300)
  })
  .superRefine((v, ctx) => {
    const sellerVars = [v.SELLER_WALLET_ADDRESS_URL, v.SELLER_KEY_ID, v.SELLER_PRIVATE_KEY_PATH]
    if (sellerVars.some(Boolean) && !sellerVars.every(Boolean)) {
      ctx.addIssue({
        code: 'custom',
        path: ['SELLER_WALLET_ADDRESS_URL'],
        message: 'SELLER_WALLET_ADDRESS_URL, SELLER_KEY_ID and SELLER_PRIVATE_KEY_PATH must be set together'
      })
    }
    if (Boolean(v.WEBHOOK_URL) !== Boolean(v.WEBHOOK_SECRET)) {
      ctx.addIssue({ code: 'custom', path: ['WEBHOOK_URL'], message: 'WEBHOOK_URL and WEBHOOK_SECRET must be set together' })
    }
  })

export type PaymentsEnv = z.infer<typeof schema>

/** Sensible defaults for everything but the secrets; `main.ts` and tests fill in the rest. */
export function defaultConfig(overrides: Partial<PaymentsConfig> & { apiToken: string }): PaymentsConfig {
  return {
    port: 4001,
    host: '127.0.0.1',
    publicBaseUrl: 'http://localhost:4001',
    logLevel: 'info',
    sellerKeysDir: './data/keys',
    useHttp: false,
    allowedReturnOrigins: ['http://localhost:8000'],
    walletAllowedOrigins: [],
    consentTimeoutMs: 9 * 60_000,
    settlementDeadlineMs: 30 * 60_000,
    reviewRecheckMs: 5 * 60_000,
    paymentGrantLimit: 'debit',
    walletRequestTimeoutMs: 5000,
    maxContinueWaitMs: 10_000,
    walletAddressCacheMs: 5 * 60_000,
    maxWorkerLagSeconds: 300,
    ...overrides,
    worker: {
      pollMs: 1000,
      leaseMs: 30_000,
      baseBackoffMs: 500,
      maxBackoffMs: 60_000,
      maxAttempts: 12,
      ...overrides.worker
    }
  }
}

/**
 * Reads the configuration from the environment. The API token may be absent here: `main.ts`
 * then generates one into the data directory (see `ensureApiToken`).
 */
export function loadPaymentsConfig(
  source: NodeJS.ProcessEnv = process.env
): Omit<PaymentsConfig, 'apiToken'> & { apiToken?: string | undefined; databaseUrl: string | undefined; dataDir: string } {
  const e = parseEnv(schema, source)
  const urls = serviceUrls(source)
  const seller = e.SELLER_WALLET_ADDRESS_URL
    ? {
        id: e.SELLER_ID,
        walletAddressUrl: e.SELLER_WALLET_ADDRESS_URL,
        keyId: e.SELLER_KEY_ID!,
        privateKeyPath: e.SELLER_PRIVATE_KEY_PATH!
      }
    : undefined
  const base = defaultConfig({ apiToken: e.PAYMENTS_API_TOKEN ?? '' })
  return {
    ...base,
    apiToken: e.PAYMENTS_API_TOKEN,
    port: e.PAYMENTS_PORT,
    host: e.PAYMENTS_HOST,
    publicBaseUrl: urls.payments,
    databaseUrl: e.DATABASE_URL,
    dataDir: e.DATA_DIR,
    sellerKeysDir: e.SELLER_KEYS_DIR ?? join(e.DATA_DIR, 'keys'),
    logLevel: e.LOG_LEVEL,
    seller,
    useHttp: e.OPEN_PAYMENTS_USE_HTTP ? ['true', '1'].includes(e.OPEN_PAYMENTS_USE_HTTP) : seller ? seller.walletAddressUrl.startsWith('http:') : false,
    allowedReturnOrigins: e.ALLOWED_RETURN_ORIGINS ?? [new URL(urls.web).origin],
    walletAllowedOrigins: e.WALLET_ALLOWED_ORIGINS,
    webhook: e.WEBHOOK_URL && e.WEBHOOK_SECRET ? { url: e.WEBHOOK_URL, secret: e.WEBHOOK_SECRET } : undefined,
    consentTimeoutMs: e.CONSENT_TIMEOUT_MS,
    settlementDeadlineMs: e.SETTLEMENT_DEADLINE_MS,
    reviewRecheckMs: e.REVIEW_RECHECK_MS,
    paymentGrantLimit: e.PAYMENT_GRANT_LIMIT,
    walletRequestTimeoutMs: e.WALLET_REQUEST_TIMEOUT_MS,
    metricsToken: e.METRICS_TOKEN,
    maxWorkerLagSeconds: e.MAX_WORKER_LAG_SECONDS,
    worker: { ...base.worker, pollMs: e.WORKER_POLL_MS }
  }
}

/** The API token: PAYMENTS_API_TOKEN, or one generated on first start into <dataDir>/payments-api-token. */
export function ensureApiToken(dataDir: string, fromEnv?: string): string {
  return fromEnv ?? ensureSecretFile(join(resolve(dataDir), 'payments-api-token'))
}
