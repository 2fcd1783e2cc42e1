import { pino, type Logger, type LoggerOptions } from 'pino'

export type { Logger }

/** Paths never to be logged: credentials, keys and tokens. */
export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers.signature',
  'headers.authorization',
  'headers.cookie',
  '*.privateKey',
  '*.accessToken',
  '*.access_token',
  '*.token',
  '*.password',
  '*.secret',
  'privateKey',
  'accessToken',
  'password',
  'secret'
]

export function createLogger(options: { level: string; name?: string } & LoggerOptions): Logger {
  return pino({
    ...options,
    redact: { paths: REDACT_PATHS, censor: '[redacted]' }
  })
}
