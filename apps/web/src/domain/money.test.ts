import { describe, expect, it } from 'vitest'
import { MAX_MINOR_UNITS } from '@voces/platform'
import { money } from './money.ts'

/** Whether this Node's Intl takes `digits` fraction digits (V8 in Node 20 stops at 20, Node 22's at 100). */
function intlFormats(digits: number): boolean {
  try {
    new Intl.NumberFormat('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits })
    return true
  } catch {
    return false
  }
}

describe('money', () => {
  it('writes an amount as Intl does for the currency, in the reader’s language, the code after', () => {
    expect(money(1500n, 'MXN', 2, 'es')).toBe('$15.00 MXN')
    expect(money(1500n, 'MXN', 2, 'en')).toBe('$15.00 MXN')
    expect(money(123450n, 'EUR', 2, 'en')).toBe('€1,234.50 EUR')
    expect(money(5n, 'USD', 2, 'es')).toBe('$0.05 USD')
    expect(money(0n, 'MXN', 2, 'es')).toBe('$0.00 MXN')
    expect(money(-1250n, 'MXN', 2, 'en')).toBe('-$12.50 MXN')
  })

  it('shows exactly the asset’s scale, not the currency’s usual digits', () => {
    expect(money(1234n, 'MXN', 3, 'en')).toBe('$1.234 MXN')
    expect(money(1234n, 'JPY', 0, 'en')).toBe('¥1,234 JPY')
    expect(money(1234n, 'USD', 0, 'en')).toBe('$1,234 USD')
  })

  it('never loses a digit: the largest amount a ledger holds, and a scale of 9', () => {
    // 2^64 − 1 is far beyond a float's 53 bits: formatted through a number it would end …616.00.
    expect(money(MAX_MINOR_UNITS, 'MXN', 2, 'en')).toBe('$184,467,440,737,095,516.15 MXN')
    expect(money(123456789012345678n, 'XRP', 9, 'es')).toBe('123,456,789.012345678 XRP')
  })

  it('shows any scale a wallet may have (0–255), beyond what this Node’s Intl formats', () => {
    expect(money(15n, 'MXN', 20, 'en')).toBe(`$0.${'0'.repeat(18)}15 MXN`)
    // Past 20 digits Intl formats only where V8 follows ECMA-402's 100 (Node 22; Node 20 throws): the
    // symbol then, the plain decimal otherwise, the same digits either way.
    const symbol = intlFormats(21) ? '$' : ''
    expect(money(15n, 'MXN', 21, 'en')).toBe(`${symbol}0.${'0'.repeat(19)}15 MXN`)
    expect(money(15n, 'MXN', 100, 'en')).toBe(`${intlFormats(100) ? '$' : ''}0.${'0'.repeat(98)}15 MXN`)
    expect(money(15n, 'MXN', 101, 'en')).toBe(`0.${'0'.repeat(99)}15 MXN`)
    expect(money(15n, 'XRP', 99, 'es')).toMatch(/^0\.0+15 XRP$/)
    expect(money(15n, 'XRP', 255, 'es')).toBe(`0.${'0'.repeat(253)}15 XRP`)
  })

  it('falls back to the number at the asset’s scale and its code for assets Intl does not know', () => {
    expect(money(123450n, 'XRP', 2, 'en')).toBe('1,234.50 XRP')
    expect(money(1n, 'ABC', 3, 'es')).toBe('0.001 ABC')
    expect(money(1500n, 'USDC', 2, 'en')).toBe('15.00 USDC')
  })
})
