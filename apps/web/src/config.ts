import { randomBytes } from 'node:crypto'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { z } from 'zod'
import { ConfigError, addressEnv, ensureSecretFile, env, parseEnv, serviceUrls } from '@voces/platform'
import type { SmtpConfig } from './notices/email.ts'
import type { MediaStoreConfig } from './media/store/types.ts'

/** Everything the web app can be configured with, validated once at start-up. */
const schema = z.object({
  NODE_ENV: env.nodeEnv(),
  LOG_LEVEL: env.logLevel(),
  WEB_HOST: z.string().default('127.0.0.1'),
  /** WEB_PORT; WEB_BASE_URL, the public base URL (default http://localhost:$WEB_PORT, platform serviceUrls). */
  ...addressEnv.web,
  DATABASE_URL: z.string().optional(),
  DATA_DIR: z.string().default('./data'),
  WEB_DATA_DIR: z.string().optional(),
  WEB_UPLOAD_DIR: z.string().optional(),
  WEB_COOKIE_SECRET: z.string().min(32).optional(),
  WEB_MAX_UPLOAD_BYTES: z.coerce.number().int().positive().default(25 * 1024 * 1024),
  WEB_SCHEDULER_INTERVAL_MS: z.coerce.number().int().positive().default(5000),
  // How long the service worker waits for a page before showing its stored copy (a slow network).
  WEB_OFFLINE_DEADLINE_MS: z.coerce.number().int().positive().default(4000),
  WEB_LOGIN_RATE_LIMIT: z.coerce.number().int().positive().default(10),
  /** How long a funder has to accept, decline or send back a submission before it is accepted and paid. */
  WEB_REVIEW_WINDOW_MS: z.coerce.number().int().positive().optional(),
  WEB_REVIEW_WINDOW_DAYS: z.coerce.number().positive().default(7),
  /** How many times a funder may send one submission back for changes. */
  WEB_CHANGE_ROUNDS: z.coerce.number().int().min(0).max(10).default(1),
  WEB_ASSET_CODE: z.string().regex(/^[A-Z]{3}$/).default('MXN'),
  WEB_ASSET_SCALE: z.coerce.number().int().min(0).max(9).default(2),
  /** The payments service; default PAYMENTS_BASE_URL, else http://localhost:$PAYMENTS_PORT. */
  PAYMENTS_URL: env.url().optional(),
  /** Defaults to the token the payments service generated into DATA_DIR on its first start. */
  PAYMENTS_API_TOKEN: z.string().min(16).optional(),
  PAYMENTS_SELLER_ID: z.string().min(1).default('marketplace'),
  PAYMENTS_WEBHOOK_SECRET: z.string().startsWith('whsec_').optional(),
  /** The sandbox wallet; default SANDBOX_BASE_URL, else http://localhost:$SANDBOX_PORT. */
  SANDBOX_WALLET_URL: env.url().optional(),
  /** Notices by email: an SMTP URL, or host/port/user/pass; neither → no email (the inbox still works). */
  WEB_SMTP_URL: z.string().regex(/^smtps?:\/\//, 'an smtp:// or smtps:// URL').optional(),
  WEB_SMTP_HOST: z.string().min(1).optional(),
  WEB_SMTP_PORT: env.port(587),
  WEB_SMTP_USER: z.string().optional(),
  WEB_SMTP_PASS: z.string().optional(),
  WEB_SMTP_FROM: z.string().min(3).default('Voces Market <avisos@localhost>'),
  /** Offer "Create a test wallet" (play money from the sandbox wallet's admin API); npm start turns it on. */
  WEB_TEST_WALLETS: env.bool(false),
  SANDBOX_ADMIN_TOKEN: z.string().min(16).optional(),
  /** Where media lives: `local` (WEB_UPLOAD_DIR, the default) or `s3` (any S3-compatible object store). */
  WEB_MEDIA_STORE: z.enum(['local', 's3']).default('local'),
  WEB_S3_ENDPOINT: env.url().optional(),
  WEB_S3_REGION: z.string().min(1).default('us-east-1'),
  WEB_S3_BUCKET: z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'an S3 bucket name (3-63 lower-case letters, digits, dots, dashes)').optional(),
  WEB_S3_ACCESS_KEY_ID: z.string().min(1).optional(),
  WEB_S3_SECRET_ACCESS_KEY: z.string().min(1).optional(),
  WEB_S3_FORCE_PATH_STYLE: env.bool(true),
  /** How long an unreferenced object or unfinished upload is kept before the sweep deletes it. */
  WEB_MEDIA_SWEEP_GRACE_MS: z.coerce.number().int().positive().default(24 * 3600 * 1000),
  WEB_MEDIA_SWEEP_INTERVAL_MS: z.coerce.number().int().positive().default(15 * 60 * 1000),
  WEB_SEED: env.bool(false),
  WEB_TRUST_PROXY: env.bool(false),
  /** How long a page the same for every visitor without a session is served from memory (http/public-pages.ts); 0: never. */
  WEB_PUBLIC_PAGE_TTL_MS: z.coerce.number().int().min(0).max(60_000).default(5_000),
  /** Bearer token Prometheus sends to /metrics; without it /metrics answers 404. */
  METRICS_TOKEN: z.string().min(16).optional(),
  /** /health/ready fails when a queue's oldest due item is older than this. */
  MAX_WORKER_LAG_SECONDS: z.coerce.number().int().positive().default(300)
})

export interface WebConfig {
  nodeEnv: 'development' | 'test' | 'production'
  logLevel: string
  host: string
  port: number
  baseUrl: string
  databaseUrl: string | undefined
  dataDir: string
  uploadDir: string
  cookieSecret: string
  secureCookies: boolean
  maxUploadBytes: number
  media: MediaStoreConfig
  schedulerIntervalMs: number
  /** The service worker's deadline for a page before it shows the stored copy (public/sw.js). */
  offlineDeadlineMs: number
  /** Public pages (browse, search, a job) for visitors without a session: served from memory this long; 0 off. */
  publicPageTtlMs: number
  metricsToken: string | undefined
  maxWorkerLagSeconds: number
  /** false in tests that drive the scheduler by hand. */
  schedulerEnabled: boolean
  loginRateLimit: number
  /** Review window of a submission (then it is accepted and paid automatically); "coming" is told 2 days before. */
  reviewWindowMs: number
  /** Rounds of "send back for changes" per submission. */
  changeRounds: number
  asset: { code: string; scale: number }
  argon2: { memoryCost: number; timeCost: number; parallelism: number }
  payments: { url: string; apiToken: string; sellerId: string; webhookSecret: string }
  sandboxWalletUrl: string
  /** Where notice emails are sent; null: email is off. */
  smtp: SmtpConfig | null
  /**
   * Only when the marketplace runs against the sandbox wallet: people may create a funded test wallet
   * there in one tap (server side, with the sandbox's admin token). Off unless set.
   */
  testWallets: { sandboxUrl: string; adminToken: string } | undefined
  /** Seed the demo users and jobs at start (idempotent). */
  seed: boolean
  /** Behind a reverse proxy: take the client address from X-Forwarded-For (login rate limits are per address). */
  trustProxy: boolean
}

export function loadWebConfig(source: NodeJS.ProcessEnv = process.env): WebConfig {
  const e = parseEnv(schema, source)
  const urls = serviceUrls(source)
  const baseUrl = urls.web
  if (e.WEB_TEST_WALLETS && !e.SANDBOX_ADMIN_TOKEN) {
    throw new Error('Invalid configuration:\n  SANDBOX_ADMIN_TOKEN: required when WEB_TEST_WALLETS is on')
  }
  if (e.NODE_ENV === 'production' && !e.WEB_COOKIE_SECRET) {
    throw new Error('Invalid configuration:\n  WEB_COOKIE_SECRET: required in production (at least 32 characters)')
  }
  if (e.WEB_MEDIA_STORE === 's3' && !e.WEB_S3_BUCKET) {
    throw new ConfigError('Invalid configuration:\n  WEB_S3_BUCKET: required when WEB_MEDIA_STORE=s3')
  }
  if (!e.WEB_S3_ACCESS_KEY_ID !== !e.WEB_S3_SECRET_ACCESS_KEY) {
    throw new ConfigError('Invalid configuration:\n  WEB_S3_ACCESS_KEY_ID and WEB_S3_SECRET_ACCESS_KEY: give both or neither')
  }
  // Secrets not given are generated once into DATA_DIR (never into the repository); tests get
  // throw-away ones so that they write nothing outside their temporary directories.
  const secret = (given: string | undefined, file: string, generate: () => string) =>
    given ?? (e.NODE_ENV === 'test' ? generate() : ensureSecretFile(join(resolve(e.DATA_DIR), file), generate))
  return {
    nodeEnv: e.NODE_ENV,
    logLevel: e.LOG_LEVEL,
    host: e.WEB_HOST,
    port: e.WEB_PORT,
    baseUrl,
    databaseUrl: e.DATABASE_URL,
    dataDir: resolve(e.WEB_DATA_DIR ?? join(e.DATA_DIR, 'web')),
    uploadDir: resolve(e.WEB_UPLOAD_DIR ?? join(e.DATA_DIR, 'web-uploads')),
    cookieSecret: secret(e.WEB_COOKIE_SECRET, 'web-cookie-secret', () => randomBytes(32).toString('hex')),
    secureCookies: baseUrl.startsWith('https://'),
    maxUploadBytes: e.WEB_MAX_UPLOAD_BYTES,
    media: {
      store: e.WEB_MEDIA_STORE,
      s3: e.WEB_S3_BUCKET
        ? {
            endpoint: e.WEB_S3_ENDPOINT,
            region: e.WEB_S3_REGION,
            bucket: e.WEB_S3_BUCKET,
            credentials:
              e.WEB_S3_ACCESS_KEY_ID && e.WEB_S3_SECRET_ACCESS_KEY
                ? { accessKeyId: e.WEB_S3_ACCESS_KEY_ID, secretAccessKey: e.WEB_S3_SECRET_ACCESS_KEY }
                : undefined,
            forcePathStyle: e.WEB_S3_FORCE_PATH_STYLE
          }
        : undefined,
      sweepGraceMs: e.WEB_MEDIA_SWEEP_GRACE_MS,
      sweepIntervalMs: e.WEB_MEDIA_SWEEP_INTERVAL_MS
    },
    schedulerIntervalMs: e.WEB_SCHEDULER_INTERVAL_MS,
    offlineDeadlineMs: e.WEB_OFFLINE_DEADLINE_MS,
    publicPageTtlMs: e.WEB_PUBLIC_PAGE_TTL_MS,
    metricsToken: e.METRICS_TOKEN,
    maxWorkerLagSeconds: e.MAX_WORKER_LAG_SECONDS,
    schedulerEnabled: true,
    loginRateLimit: e.WEB_LOGIN_RATE_LIMIT,
    reviewWindowMs: e.WEB_REVIEW_WINDOW_MS ?? Math.round(e.WEB_REVIEW_WINDOW_DAYS * 86_400_000),
    changeRounds: e.WEB_CHANGE_ROUNDS,
    asset: { code: e.WEB_ASSET_CODE, scale: e.WEB_ASSET_SCALE },
    // OWASP's argon2id recommendation: 19 MiB, 2 iterations.
    argon2: { memoryCost: 19456, timeCost: 2, parallelism: 1 },
    payments: {
      url: e.PAYMENTS_URL ?? urls.payments,
      apiToken: secret(e.PAYMENTS_API_TOKEN, 'payments-api-token', () => randomBytes(32).toString('base64url')),
      sellerId: e.PAYMENTS_SELLER_ID,
      webhookSecret: secret(e.PAYMENTS_WEBHOOK_SECRET, 'webhook-secret', newWebhookSecret)
    },
    sandboxWalletUrl: e.SANDBOX_WALLET_URL ?? urls.sandbox,
    smtp:
      e.WEB_SMTP_URL || e.WEB_SMTP_HOST
        ? { url: e.WEB_SMTP_URL, host: e.WEB_SMTP_HOST, port: e.WEB_SMTP_PORT, user: e.WEB_SMTP_USER, pass: e.WEB_SMTP_PASS, from: e.WEB_SMTP_FROM }
        : null,
    testWallets: e.WEB_TEST_WALLETS && e.SANDBOX_ADMIN_TOKEN ? { sandboxUrl: e.SANDBOX_WALLET_URL ?? urls.sandbox, adminToken: e.SANDBOX_ADMIN_TOKEN } : undefined,
    seed: e.WEB_SEED,
    trustProxy: e.WEB_TRUST_PROXY
  }
}

/** A configuration for tests: cheap hashing, no background scheduler, a temporary upload dir. */
export function testWebConfig(overrides: Partial<WebConfig> = {}): WebConfig {
  const base = loadWebConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent' })
  return {
    ...base,
    port: 0,
    uploadDir: join(tmpdir(), `voces-web-uploads-${randomBytes(6).toString('hex')}`),
    argon2: { memoryCost: 1024, timeCost: 1, parallelism: 1 },
    schedulerEnabled: false,
    schedulerIntervalMs: 50,
    loginRateLimit: 1000,
    // A page rendered slowly on a loaded test machine is never taken for a slow network.
    offlineDeadlineMs: 60_000,
    ...overrides
  }
}

/** A Standard Webhooks secret: `whsec_` and base64 of 24 random bytes. */
export const newWebhookSecret = () => `whsec_${randomBytes(24).toString('base64')}`
