import { mkdtempSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { generateKey } from '@interledger/http-signature-utils'
import { describe, expect, test } from 'vitest'
import { keyFileInDir, loadPrivateKey } from './keys.ts'

describe('seller keys', () => {
  const dir = mkdtempSync(join(tmpdir(), 'voces-keys-'))
  const pem = generateKey().export({ format: 'pem', type: 'pkcs8' }) as string
  writeFileSync(join(dir, 'shop.pem'), pem)
  symlinkSync('/etc/passwd', join(dir, 'sneaky.pem'))

  test('a device, a directory or a huge file is never read as a key (a read of /dev/zero used to kill the process)', () => {
    expect(loadPrivateKey({ kind: 'file', path: '/dev/zero' })).toBe('The key file /dev/zero is not a regular file')
    expect(loadPrivateKey({ kind: 'file', path: dir })).toMatch(/is not a regular file/)
    const big = join(dir, 'big.pem')
    writeFileSync(big, Buffer.alloc(64 * 1024, 'a'))
    expect(loadPrivateKey({ kind: 'file', path: big })).toMatch(/too large/)
    expect(typeof loadPrivateKey({ kind: 'file', path: join(dir, 'shop.pem') })).toBe('object')
  })

  test('only files inside the keys directory, links followed, NUL refused', () => {
    expect(keyFileInDir('shop.pem', dir)).toBe(join(dir, 'shop.pem'))
    expect(keyFileInDir(join(dir, 'shop.pem'), dir)).toBe(join(dir, 'shop.pem'))
    for (const path of ['../shop.pem', '/etc/passwd', 'sneaky.pem', 'missing.pem', 'shop.pem\0x', dir]) {
      expect(keyFileInDir(path, dir)).toEqual({ refused: 'privateKeyPath must name a key file in the keys directory (SELLER_KEYS_DIR)' })
    }
  })
})
