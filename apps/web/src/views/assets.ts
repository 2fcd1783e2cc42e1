import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

/** A content hash of the static files, so their URLs change exactly when they do (they are cached for a year). */
export const ASSET_VERSION = createHash('sha256')
  .update(readFileSync(fileURLToPath(new URL('../../public/app.css', import.meta.url))))
  .update(readFileSync(fileURLToPath(new URL('../../public/app.js', import.meta.url))))
  .digest('hex')
  .slice(0, 10)
