import { readdirSync, readFileSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, test } from 'vitest'

/**
 * Imports run downward only: app.ts (the composition root) → features → http/, db/, config.ts.
 * Routes take their dependencies as `SandboxDeps` from deps.ts (types only), so no feature imports
 * the root that imports it; plumbing imports no feature.
 */
const SRC = resolve(dirname(fileURLToPath(import.meta.url)), '../src')
const PLUMBING = ['http', 'db']
const BELOW_FEATURES = ['config.ts', ...PLUMBING]

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) return sourceFiles(path)
    return /\.tsx?$/.test(entry.name) ? [path] : []
  })
}

interface Import {
  from: string
  to: string
  typeOnly: boolean
}

/** Every relative import of every file under src/, as paths relative to src/. */
const imports: Import[] = sourceFiles(SRC).flatMap((file) => {
  const text = readFileSync(file, 'utf8')
  const found = [...text.matchAll(/^\s*(import|export)\s+(type\s+)?[^'"]*?from\s+'(\.{1,2}\/[^']+)'/gm)]
  return found.map((m) => ({
    from: relative(SRC, file),
    to: relative(SRC, resolve(dirname(file), m[3]!)),
    typeOnly: m[2] !== undefined
  }))
})

const layer = (path: string) => path.split('/')[0]!
const isFeature = (path: string) => path.includes('/') && !PLUMBING.includes(layer(path))

describe('layering of src/', () => {
  test('the scan sees the imports', () => {
    expect(imports.some((i) => i.from === 'app.ts' && i.to === 'grant/routes.ts')).toBe(true)
  })

  test('only main.ts and testing.ts import app.ts', () => {
    const importers = imports.filter((i) => i.to === 'app.ts').map((i) => i.from)
    expect(importers.filter((from) => !['main.ts', 'testing.ts'].includes(from))).toEqual([])
  })

  test('deps.ts holds types only', () => {
    expect(imports.filter((i) => i.from === 'deps.ts' && !i.typeOnly)).toEqual([])
  })

  test('http/, db/ and config.ts import no feature and not the root', () => {
    const upward = imports.filter(
      (i) => BELOW_FEATURES.includes(layer(i.from)) && (isFeature(i.to) || ['app.ts', 'deps.ts', 'seed.ts'].includes(i.to))
    )
    expect(upward).toEqual([])
  })

  test("no feature imports another feature's routes or views", () => {
    const sideways = imports.filter(
      (i) => isFeature(i.from) && isFeature(i.to) && layer(i.from) !== layer(i.to) && /(^|\/)routes\.ts$|\.tsx$/.test(i.to)
    )
    expect(sideways).toEqual([])
  })
})
