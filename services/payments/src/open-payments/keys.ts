import { createPrivateKey, type KeyObject } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import type { KeyRef } from '../seller/model.ts'

/** Names of environment variables that may hold a seller key: nothing else in the environment is read as one. */
export const KEY_ENV_NAME = /^[A-Z][A-Z0-9_]*_KEY$/

/**
 * Loads an Ed25519 private key from a PEM file or an environment variable (PEM, or base64 of a PEM).
 * Errors describe the problem without the key material.
 */
export function loadPrivateKey(ref: KeyRef, source: NodeJS.ProcessEnv = process.env): KeyObject | string {
  let pem: string
  if (ref.kind === 'file') {
    try {
      pem = readFileSync(resolve(ref.path), 'utf8')
    } catch (error) {
      return `The key file ${ref.path} cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`
    }
  } else {
    if (!KEY_ENV_NAME.test(ref.name)) return `The environment variable name ${ref.name} must end in _KEY`
    const value = source[ref.name]
    if (!value) return `The environment variable ${ref.name} is not set`
    pem = value.includes('-----BEGIN') ? value : Buffer.from(value, 'base64').toString('utf8')
  }
  try {
    const key = createPrivateKey(pem)
    if (key.asymmetricKeyType !== 'ed25519') return 'The key is not an Ed25519 private key'
    return key
  } catch {
    return 'The key is not a PEM-encoded private key'
  }
}
