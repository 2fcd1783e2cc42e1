import { parseDecimalAmount } from '@voces/platform'
import { parseWalletAddress } from '@voces/payments-contract'
import { CommonError, fail, type Failure } from './errors.ts'

/**
 * A decimal amount from the API (`"12.50"`) parsed exactly at the wallet's scale, or a failure that
 * says why it was refused.
 */
export function parseAmount(input: string, wallet: { assetCode: string; assetScale: number }): bigint | Failure {
  const value = parseDecimalAmount(input, wallet.assetScale)
  if (typeof value !== 'string') return value
  const why: Record<string, string> = {
    invalid_format: 'is not a decimal number like 12.50',
    too_many_decimals: `has more than ${wallet.assetScale} decimals`,
    not_positive: 'must be more than zero',
    too_large: 'is too large'
  }
  return fail(CommonError.InvalidAmount, `The amount "${input}" ${why[value] ?? 'is invalid'} (the seller wallet holds ${wallet.assetCode} at scale ${wallet.assetScale})`)
}

/** A return URL must be an absolute http(s) URL on one of the allowed origins (no open redirect). */
export function checkReturnUrl(url: string | undefined, allowedOrigins: string[]): Failure | undefined {
  if (url === undefined) return undefined
  try {
    const parsed = new URL(url)
    if ((parsed.protocol === 'http:' || parsed.protocol === 'https:') && allowedOrigins.includes(parsed.origin)) return undefined
  } catch {
    // not a URL at all: refused below
  }
  return fail(CommonError.ReturnUrlNotAllowed, `returnUrl must be on one of: ${allowedOrigins.join(', ')}`)
}

/**
 * A wallet address as a client typed it: a URL or a payment pointer (`$wallet.example/alice`), read
 * by the one parser both sides share, so the service stores and fetches one spelling of each wallet.
 */
export function walletAddressInput(typed: string): string | Failure {
  const parsed = parseWalletAddress(typed)
  if (parsed.ok) return parsed.url
  return fail(CommonError.InvalidWalletAddress, 'The wallet address is neither a URL (https://…) nor a payment pointer ($…)', { reason: 'invalid' })
}
