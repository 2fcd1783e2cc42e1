import { expect, test } from 'vitest'
import { parseWalletAddress } from './wallet-address.ts'

test('payment pointers become their URL (paymentpointers.org resolution)', () => {
  expect(parseWalletAddress('$ilp.interledger-test.dev/alice')).toEqual({ ok: true, url: 'https://ilp.interledger-test.dev/alice' })
  expect(parseWalletAddress('  $ILP.Interledger-Test.dev/alice/  ')).toEqual({ ok: true, url: 'https://ilp.interledger-test.dev/alice' })
  expect(parseWalletAddress('$wallet.example')).toEqual({ ok: true, url: 'https://wallet.example/.well-known/pay' })
  expect(parseWalletAddress('$wallet.example/')).toEqual({ ok: true, url: 'https://wallet.example/.well-known/pay' })
})

test('URLs are kept, in one spelling', () => {
  expect(parseWalletAddress('https://ilp.interledger-test.dev/alice')).toEqual({ ok: true, url: 'https://ilp.interledger-test.dev/alice' })
  expect(parseWalletAddress('https://ilp.interledger-test.dev/alice//')).toEqual({ ok: true, url: 'https://ilp.interledger-test.dev/alice' })
  expect(parseWalletAddress('http://localhost:4100/demo_funder')).toEqual({ ok: true, url: 'http://localhost:4100/demo_funder' })
})

test('anything else is invalid, never guessed', () => {
  for (const bad of [
    '',
    '   ',
    'alice',
    'ilp.interledger-test.dev/alice',
    '$',
    '$/alice',
    '$wallet.example:8443/alice',
    '$user@wallet.example/alice',
    '$wallet.example/alice?x=1',
    '$wallet.example/alice#top',
    'https://user:pw@wallet.example/alice',
    'https://wallet.example/alice?x=1',
    'https://wallet.example/alice#',
    'ftp://wallet.example/alice',
    'javascript:alert(1)',
    'https:///alice',
    'https:wallet.example/alice',
    'https://wallet.example/al ice',
    `https://wallet.example/${'a'.repeat(2100)}`
  ]) {
    expect(parseWalletAddress(bad), bad).toEqual({ ok: false, problem: 'invalid' })
  }
})
