import { expect, test } from 'vitest'
import { createClientUrlGuard } from './client-urls.ts'

const hosts: Record<string, string[]> = { 'wallet.example': ['93.184.216.34'], 'rebind.example': ['93.184.216.34', '127.0.0.1'], 'inside.example': ['10.1.2.3'] }
const guard = createClientUrlGuard({
  ownOrigin: () => 'http://127.0.0.1:4100',
  allowedOrigins: ['http://localhost:4200'],
  resolve: async (host) => {
    if (!hosts[host]) throw new Error('ENOTFOUND')
    return hosts[host]
  }
})

test('own and configured origins may be fetched over http; strangers only over https on public addresses', async () => {
  for (const url of ['http://127.0.0.1:4100/alice/jwks.json', 'http://localhost:4200/shop', 'https://wallet.example/alice']) expect(await guard.allows(url), url).toBe(true)
  for (const url of [
    'http://127.0.0.1:4101/alice',
    'http://wallet.example/alice',
    'https://127.0.0.1/x',
    'https://[::1]/x',
    'https://[::ffff:127.0.0.1]/x',
    'https://169.254.169.254/latest',
    'https://rebind.example/x',
    'https://inside.example/x',
    'https://unknown.example/x',
    'https://user:pw@wallet.example/x',
    'file:///etc/passwd',
    'not a url'
  ])
    expect(await guard.allows(url), url).toBe(false)
})
