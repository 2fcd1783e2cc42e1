import { describe, expect, test } from 'vitest'
import { creatorShare, decisionMoney } from './service.ts'

/** A job paying 10.00 per person whose payout fee reserve is 0.60 (the sandbox's 0.50 + 1 % of 10.00). */
const job = { amountPerPerson: 10_00n, payoutFeePerPerson: 60n }
const SHARE = 10_60n

describe('what a dispute decision moves (money rules: fixed-receive payouts, the fee reserve goes back unspent)', () => {
  test('release: the creator gets the whole pay, its fee is the reserve; nothing goes back', () => {
    expect(creatorShare(job, 'release', null)).toBe(10_00n)
    expect(decisionMoney(job, 10_00n, null)).toEqual({ toFunder: 0n, payoutFee: null })
  })

  test('refund: the funder gets the whole share back, the unspent reserve included', () => {
    expect(creatorShare(job, 'refund', null)).toBe(0n)
    expect(decisionMoney(job, 0n, null)).toEqual({ toFunder: SHARE, payoutFee: null })
  })

  test('split: the creator receives exactly her part; the funder gets the share less her part and its quoted fee', () => {
    expect(creatorShare(job, 'split', 4_00n)).toBe(4_00n)
    expect(decisionMoney(job, 4_00n, 54n)).toEqual({ toFunder: SHARE - 4_00n - 54n, payoutFee: 54n })
    // No quote (wallet unreachable), or one above the reserve: the whole reserve stays for the payout.
    expect(decisionMoney(job, 4_00n, null)).toEqual({ toFunder: 6_00n, payoutFee: null })
    expect(decisionMoney(job, 4_00n, 61n)).toEqual({ toFunder: 6_00n, payoutFee: null })
    for (const bad of [null, 0n, -1n, 10_00n, 11_00n]) expect(creatorShare(job, 'split', bad)).toBe('invalid_split')
  })
})
