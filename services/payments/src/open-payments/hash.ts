import { createHash, timingSafeEqual } from 'node:crypto'

/**
 * Verifies the `hash` a wallet adds to the finish redirect:
 * base64(sha256(clientNonce \n interactNonce \n interactRef \n grantEndpointUrl)).
 * Accepts the padded and the unpadded standard base64 of the right digest, nothing else,
 * and compares in constant time.
 */
export function verifyFinishHash(input: {
  hash: string | undefined
  clientNonce: string
  interactNonce: string
  interactRef: string
  authServer: string
}): boolean {
  if (!input.hash) return false
  const expected = finishHash(input)
  const received = Buffer.from(input.hash, 'utf8')
  let ok = false
  for (const candidate of [expected, expected.replace(/=+$/, '')]) {
    const bytes = Buffer.from(candidate, 'utf8')
    // Run every comparison so timing does not depend on which encoding was sent.
    if (bytes.length === received.length && timingSafeEqual(bytes, received)) ok = true
  }
  return ok
}

export function finishHash(input: { clientNonce: string; interactNonce: string; interactRef: string; authServer: string }): string {
  return createHash('sha256')
    .update(`${input.clientNonce}\n${input.interactNonce}\n${input.interactRef}\n${input.authServer}`)
    .digest('base64')
}
