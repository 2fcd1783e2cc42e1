import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

/** The static files pages name with `?v=`: their URLs change exactly when they do (they are cached for a year). */
const VERSIONED = ['app.css', 'app.js', 'icons/icon.svg', 'icons/icon-192.png', 'icons/icon-512.png']

export const ASSET_VERSION = VERSIONED.reduce(
  (hash, file) => hash.update(readFileSync(fileURLToPath(new URL(`../../public/${file}`, import.meta.url)))),
  createHash('sha256')
)
  .digest('hex')
  .slice(0, 10)
