import { randomBytes } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname } from 'node:path'

/**
 * Returns the secret stored in `path`, creating it (mode 0600) on first start. For development
 * secrets that must survive restarts but never be committed: admin and API tokens.
 */
export function ensureSecretFile(path: string, generate: () => string = () => randomBytes(32).toString('base64url')): string {
  if (existsSync(path)) return readFileSync(path, 'utf8').trim()
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 })
  const secret = generate()
  writeFileSync(path, `${secret}\n`, { mode: 0o600 })
  return secret
}
