import { describe, expect, test } from 'vitest'
import { ConfigError } from '@voces/platform'
import { loadPaymentsConfig } from './config.ts'

describe('loadPaymentsConfig', () => {
  test('defaults', () => {
    const config = loadPaymentsConfig({})
    expect(config.port).toBe(4001)
    expect(config.seller).toBeUndefined()
    expect(config.allowedReturnOrigins).toEqual(['http://localhost:8000'])
    expect(config.publicBaseUrl).toBe('http://localhost:4001')
    expect(config.paymentGrantLimit).toBe('debit')
    expect(loadPaymentsConfig({ PAYMENT_GRANT_LIMIT: 'receive' }).paymentGrantLimit).toBe('receive')
  })

  test('base URLs follow the ports when they are not given', () => {
    const moved = loadPaymentsConfig({ PAYMENTS_PORT: '4501', WEB_PORT: '8501' })
    expect(moved.publicBaseUrl).toBe('http://localhost:4501')
    // Browsers may be sent back to the web app where it now listens, and only there by default.
    expect(moved.allowedReturnOrigins).toEqual(['http://localhost:8501'])
    const given = loadPaymentsConfig({ PAYMENTS_PORT: '4501', PAYMENTS_BASE_URL: 'https://pay.voces.example/', WEB_BASE_URL: 'https://voces.example/app' })
    expect(given.publicBaseUrl).toBe('https://pay.voces.example')
    expect(given.allowedReturnOrigins).toEqual(['https://voces.example'])
  })

  test('the seller and useHttp follow the seller wallet', () => {
    const config = loadPaymentsConfig({
      SELLER_WALLET_ADDRESS_URL: 'http://127.0.0.1:4100/marketplace',
      SELLER_KEY_ID: 'k1',
      SELLER_PRIVATE_KEY_PATH: './data/key.pem',
      ALLOWED_RETURN_ORIGINS: 'http://localhost:8000, https://voces.example/'
    })
    expect(config.seller).toEqual({ id: 'marketplace', walletAddressUrl: 'http://127.0.0.1:4100/marketplace', keyId: 'k1', privateKeyPath: './data/key.pem' })
    expect(config.useHttp).toBe(true)
    expect(config.allowedReturnOrigins).toEqual(['http://localhost:8000', 'https://voces.example'])
  })

  test.each([
    [{ SELLER_KEY_ID: 'k1' }, /must be set together/],
    [{ WEBHOOK_URL: 'http://localhost:8000/hooks' }, /WEBHOOK_URL and WEBHOOK_SECRET/],
    [{ WEBHOOK_URL: 'http://localhost:8000/hooks', WEBHOOK_SECRET: 'plain' }, /whsec_/],
    [{ PAYMENTS_API_TOKEN: 'short' }, /PAYMENTS_API_TOKEN/],
    [{ PAYMENT_GRANT_LIMIT: 'both' }, /PAYMENT_GRANT_LIMIT/]
  ])('refuses %o', (env, message) => {
    expect(() => loadPaymentsConfig(env)).toThrow(ConfigError)
    expect(() => loadPaymentsConfig(env)).toThrow(message)
  })
})
