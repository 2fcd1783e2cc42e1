import { createHash } from 'node:crypto'
import { describe, expect, test } from 'vitest'
import { finishHash, verifyFinishHash } from './hash.ts'

const input = { clientNonce: 'client-nonce', interactNonce: 'interact-nonce', interactRef: 'ref-1', authServer: 'https://auth.wallet.example' }

describe('finish hash', () => {
  const digest = createHash('sha256').update('client-nonce\ninteract-nonce\nref-1\nhttps://auth.wallet.example').digest()

  test('is base64 of sha256 over the nonces, interact_ref and grant endpoint', () => {
    expect(finishHash(input)).toBe(digest.toString('base64'))
  })

  test.each([
    ['padded base64', digest.toString('base64'), true],
    ['unpadded base64', digest.toString('base64').replace(/=+$/, ''), true],
    ['base64url', digest.toString('base64url'), digest.toString('base64url') === digest.toString('base64').replace(/=+$/, '')],
    ['hex', digest.toString('hex'), false],
    ['empty', '', false],
    ['missing', undefined, false],
    ['another digest', createHash('sha256').update('x').digest('base64'), false]
  ])('%s is accepted: %s', (_name, hash, ok) => {
    expect(verifyFinishHash({ ...input, hash })).toBe(ok)
  })

  test('binds the grant endpoint URL and the interact_ref', () => {
    const hash = finishHash(input)
    expect(verifyFinishHash({ ...input, hash, authServer: 'https://auth.wallet.example/' })).toBe(false)
    expect(verifyFinishHash({ ...input, hash, interactRef: 'ref-2' })).toBe(false)
  })
})
