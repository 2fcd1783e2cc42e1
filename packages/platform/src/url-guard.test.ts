import { expect, test } from 'vitest'
import { createUrlGuard, HOST_NOT_FOUND } from './url-guard.ts'

const hosts: Record<string, string[]> = { 'wallet.example': ['93.184.216.34'], 'rebind.example': ['93.184.216.34', '127.0.0.1'], 'inside.example': ['10.1.2.3'], 'empty.example': [] }
const resolve = async (host: string) => {
  if (!hosts[host]) throw new Error('ENOTFOUND')
  return hosts[host]
}
const refused = [
  'http://127.0.0.1:4101/alice',
  'http://wallet.example/alice',
  'https://127.0.0.1/x',
  'https://[::1]/x',
  'https://[::ffff:127.0.0.1]/x',
  'https://169.254.169.254/latest',
  'https://rebind.example/x',
  'https://inside.example/x',
  'https://unknown.example/x',
  'https://empty.example/x',
  'https://user:pw@wallet.example/x',
  'file:///etc/passwd',
  'not a url'
]

test('own and configured origins may be fetched over http; strangers only over https on public addresses', async () => {
  const guard = createUrlGuard({ ownOrigin: () => 'http://127.0.0.1:4100', allowedOrigins: ['http://localhost:4200'], resolve })
  for (const url of ['http://127.0.0.1:4100/alice/jwks.json', 'http://localhost:4200/shop', 'https://wallet.example/alice']) expect(await guard.allows(url), url).toBe(true)
  for (const url of refused) expect(await guard.allows(url), url).toBe(false)
})

test('each refusal says why, echoing nothing remote; without an own origin only the configured ones are trusted', async () => {
  const guard = createUrlGuard({ allowedOrigins: ['http://localhost:4200'], resolve })
  expect(await guard.check('http://127.0.0.1:4100/alice')).toBe('must be an https address')
  expect(await guard.check('not a url')).toBe('is not a URL')
  expect(await guard.check('https://user:pw@wallet.example/x')).toBe('must not carry a user name or password')
  expect(await guard.check('https://unknown.example/x')).toBe(HOST_NOT_FOUND)
  expect(await guard.check('https://empty.example/x')).toBe(HOST_NOT_FOUND)
  expect(await guard.check('https://rebind.example/x')).toBe('points to a private or reserved network address')
  expect(await guard.check('https://wallet.example/alice')).toBeUndefined()
  expect(await guard.check('http://localhost:4200/shop')).toBeUndefined()
})
