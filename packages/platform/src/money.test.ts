import { describe, expect, test } from 'vitest'
import { formatMinorUnits, parseDecimalAmount } from './money.ts'

describe('parseDecimalAmount', () => {
  test.each([
    ['12.50', 2, 1250n],
    ['12.5', 2, 1250n],
    ['12', 2, 1200n],
    ['0.01', 2, 1n],
    ['100.00', 2, 10000n],
    ['7', 0, 7n],
    ['1.230', 2, 123n],
    ['0.000000001', 9, 1n]
  ])('%s at scale %i is %s', (input, scale, expected) => {
    expect(parseDecimalAmount(input, scale)).toBe(expected)
  })

  test.each([
    ['12.345', 2, 'too_many_decimals'],
    ['0', 2, 'not_positive'],
    ['0.00', 2, 'not_positive'],
    ['-1', 2, 'invalid_format'],
    ['1e3', 2, 'invalid_format'],
    ['abc', 2, 'invalid_format'],
    ['', 2, 'invalid_format'],
    ['1,50', 2, 'invalid_format'],
    ['99999999999999999999999', 2, 'too_large']
  ])('%s at scale %i is refused as %s', (input, scale, expected) => {
    expect(parseDecimalAmount(input, scale)).toBe(expected)
  })
})

describe('formatMinorUnits', () => {
  test.each([
    [1250n, 2, '12.50'],
    [1n, 2, '0.01'],
    [0n, 2, '0.00'],
    [7n, 0, '7'],
    [-5n, 2, '-0.05']
  ])('%s at scale %i is %s', (value, scale, expected) => {
    expect(formatMinorUnits(value, scale)).toBe(expected)
  })
})
