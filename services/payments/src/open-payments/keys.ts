import { createPrivateKey, type KeyObject } from 'node:crypto'
import { closeSync, fstatSync, openSync, readSync, realpathSync } from 'node:fs'
import { isAbsolute, resolve, sep } from 'node:path'

/** Where a seller's private key is: a PEM file, or an environment variable. Never the key itself. */
export type KeyRef = { kind: 'file'; path: string } | { kind: 'env'; name: string }

/** A PEM Ed25519 key is a few hundred bytes: nothing larger is read. */
const MAX_KEY_FILE_BYTES = 16 * 1024

/**
 * Where a key file named through the API may be: inside `keysDir` (after following links), or the
 * answer is the same refusal whether or not the file exists, so the API tells nothing about the disk.
 */
export function keyFileInDir(path: string, keysDir: string): string | { refused: string } {
  const refused = { refused: 'privateKeyPath must name a key file in the keys directory (SELLER_KEYS_DIR)' }
  if (path.includes('\0')) return refused
  try {
    const dir = realpathSync(resolve(keysDir))
    const file = realpathSync(isAbsolute(path) ? path : resolve(dir, path))
    return file.startsWith(dir + sep) ? file : refused
  } catch {
    return refused
  }
}

/** Reads a regular file of at most MAX_KEY_FILE_BYTES (never a device, a directory or a FIFO). */
function readKeyFile(path: string): string | { problem: string } {
  let fd: number | undefined
  try {
    fd = openSync(resolve(path), 'r')
    const stat = fstatSync(fd)
    if (!stat.isFile()) return { problem: 'is not a regular file' }
    if (stat.size > MAX_KEY_FILE_BYTES) return { problem: 'is too large to be a key' }
    const buffer = Buffer.alloc(stat.size)
    const read = readSync(fd, buffer, 0, stat.size, 0)
    return buffer.subarray(0, read).toString('utf8')
  } catch (error) {
    return { problem: `cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})` }
  } finally {
    if (fd !== undefined) closeSync(fd)
  }
}

/** Names of environment variables that may hold a seller key: nothing else in the environment is read as one. */
export const KEY_ENV_NAME = /^[A-Z][A-Z0-9_]*_KEY$/

/**
 * Loads an Ed25519 private key from a PEM file or an environment variable (PEM, or base64 of a PEM).
 * Errors describe the problem without the key material.
 */
export function loadPrivateKey(ref: KeyRef, source: NodeJS.ProcessEnv = process.env): KeyObject | string {
  let pem: string
  if (ref.kind === 'file') {
    const read = readKeyFile(ref.path)
    if (typeof read !== 'string') return `The key file ${ref.path} ${read.problem}`
    pem = read
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
