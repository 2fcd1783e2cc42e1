import { describe, expect, test } from 'vitest'
import { loadWebConfig } from './config.ts'

const base = { NODE_ENV: 'test', LOG_LEVEL: 'silent' }

describe('loadWebConfig: addresses', () => {
  test('defaults are the usual local ports', () => {
    const config = loadWebConfig(base)
    expect(config.baseUrl).toBe('http://localhost:8000')
    expect(config.payments.url).toBe('http://localhost:4001')
    expect(config.sandboxWalletUrl).toBe('http://localhost:4100')
  })

  test('base URLs follow the ports when they are not given (one environment for every service)', () => {
    const config = loadWebConfig({ ...base, WEB_PORT: '8501', PAYMENTS_PORT: '4501', SANDBOX_PORT: '4601' })
    expect(config.port).toBe(8501)
    expect(config.baseUrl).toBe('http://localhost:8501')
    expect(config.secureCookies).toBe(false)
    expect(config.payments.url).toBe('http://localhost:4501')
    expect(config.sandboxWalletUrl).toBe('http://localhost:4601')
  })

  test('given URLs win over ports', () => {
    const config = loadWebConfig({
      ...base,
      WEB_PORT: '8501',
      WEB_BASE_URL: 'https://voces.example/',
      PAYMENTS_PORT: '4501',
      PAYMENTS_BASE_URL: 'https://pay.voces.example',
      PAYMENTS_URL: 'http://10.0.0.5:4001',
      SANDBOX_BASE_URL: 'https://wallet.example'
    })
    expect(config.baseUrl).toBe('https://voces.example')
    expect(config.secureCookies).toBe(true)
    // The upstream the server calls, when given, is not the public address.
    expect(config.payments.url).toBe('http://10.0.0.5:4001')
    expect(config.sandboxWalletUrl).toBe('https://wallet.example')
  })

  test('a bad port or URL stops start-up naming the variable', () => {
    expect(() => loadWebConfig({ ...base, WEB_PORT: 'many' })).toThrow(/WEB_PORT/)
    expect(() => loadWebConfig({ ...base, SANDBOX_BASE_URL: 'not a url' })).toThrow(/SANDBOX_BASE_URL/)
  })
})
