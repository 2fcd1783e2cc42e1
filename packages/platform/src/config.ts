import { z } from 'zod'

/** A configuration problem found at start-up; the message names the variable. */
export class ConfigError extends Error {
  override name = 'ConfigError'
}

/**
 * Parses environment variables once, at start-up, with a schema. Any invalid value
 * throws a ConfigError naming every variable at fault, so a process never starts
 * half-configured.
 */
export function parseEnv<S extends z.ZodType>(schema: S, env: NodeJS.ProcessEnv = process.env): z.infer<S> {
  // Empty strings mean "unset": shells and .env files produce them for blank values.
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''))
  const result = schema.safeParse(cleaned)
  if (result.success) return result.data
  const problems = result.error.issues.map((issue) => `${issue.path.join('.') || '(env)'}: ${issue.message}`)
  throw new ConfigError(`Invalid configuration:\n  ${problems.join('\n  ')}`)
}

/** Reusable field schemas for environment variables. */
export const env = {
  port: (fallback: number) => z.coerce.number().int().min(0).max(65535).default(fallback),
  url: () => z.url({ protocol: /^https?$/ }).transform((u) => u.replace(/\/+$/, '')),
  bool: (fallback: boolean) =>
    z
      .enum(['true', 'false', '1', '0'])
      .default(fallback ? 'true' : 'false')
      .transform((v) => v === 'true' || v === '1'),
  logLevel: () => z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  nodeEnv: () => z.enum(['development', 'test', 'production']).default('development')
}

/**
 * Each service's port and public base URL, declared once: a service's own schema spreads its pair in (it
 * listens on the port), and serviceUrls reads all three, so the default ports live only here.
 */
export const addressEnv = {
  web: { WEB_PORT: env.port(8000), WEB_BASE_URL: env.url().optional() },
  payments: { PAYMENTS_PORT: env.port(4001), PAYMENTS_BASE_URL: env.url().optional() },
  sandbox: { SANDBOX_PORT: env.port(4100), SANDBOX_BASE_URL: env.url().optional() }
}

const serviceAddresses = z.object({ ...addressEnv.web, ...addressEnv.payments, ...addressEnv.sandbox })

/** Where each service is reached, as one environment describes it. */
export interface ServiceUrls {
  web: string
  payments: string
  sandbox: string
}

/**
 * The base URL of each service: its `*_BASE_URL`, else `http://localhost:<its port>`, so that a
 * service moved to another port (`WEB_PORT=8001`) is not announced at the old one. One environment may
 * describe all three (`npm start`, or one env file for a machine), so every service's config reads the
 * others' addresses from here and from nowhere else.
 */
export function serviceUrls(source: NodeJS.ProcessEnv = process.env): ServiceUrls {
  const e = parseEnv(serviceAddresses, source)
  return {
    web: e.WEB_BASE_URL ?? `http://localhost:${e.WEB_PORT}`,
    payments: e.PAYMENTS_BASE_URL ?? `http://localhost:${e.PAYMENTS_PORT}`,
    sandbox: e.SANDBOX_BASE_URL ?? `http://localhost:${e.SANDBOX_PORT}`
  }
}
