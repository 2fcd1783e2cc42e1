import { createHash, createHmac } from 'node:crypto'

/**
 * The name of a session's offline cache. Not the session token, nor anything that leads back to it: an
 * HMAC under the server's secret of the token's hash. A new session (another person, or the same one
 * logging in again) gets a new key, and the service worker drops every cache under another key.
 */
export function offlineCacheKey(secret: string, sessionToken: string): string {
  const tokenHash = createHash('sha256').update(sessionToken).digest('base64url')
  return createHmac('sha256', secret).update(`offline-cache:${tokenHash}`).digest('base64url').slice(0, 22)
}
