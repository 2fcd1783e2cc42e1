import { availableParallelism } from 'node:os'
import { defineConfig } from 'vitest/config'

// Two projects: `unit` (integration tests over real HTTP and a real database, run by `npm test`)
// and `browser` (Playwright driving Debian's Chromium, run by `npm run test:browser`).
export default defineConfig({
  esbuild: { jsx: 'automatic', jsxImportSource: '@kitajs/html' },
  test: {
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['{packages,services,apps}/*/{src,test}/**/*.test.{ts,tsx}'],
          exclude: ['**/*.browser.test.{ts,tsx}', '**/node_modules/**']
        }
      },
      {
        extends: true,
        test: {
          name: 'browser',
          // Headless Chromium on a loaded 2-core machine has hung once in a page sweep (a 120 s
          // timeout on a test that takes 28 s): one retry, so that a hang is not taken for a defect;
          // a real failure fails twice.
          retry: 1,
          // A browser waits on pages, recorders and workers: a poll's 1 s default is too short for Chromium on a
          // loaded 2-core machine (a recorder's bar needed more than 1 s to pass 1 s of recording).
          expect: { poll: { timeout: 10_000 } },
          include: ['{services,apps}/*/{src,test}/**/*.browser.test.{ts,tsx}', 'test/**/*.browser.test.ts']
        }
      }
    ],
    // Every service's migrations applied once per run; each test database starts from that copy.
    globalSetup: ['test/global-setup.ts'],
    pool: 'forks',
    // Two test files at once even on two cores (vitest's default there is one): a file spends much of
    // its time waiting on HTTP, pollers and timers (docs/operations.md "CI" has the figures). The
    // browser project stays one file at a time (--no-file-parallelism: Chromium is heavy).
    maxWorkers: Math.max(2, availableParallelism() - 1),
    testTimeout: 30_000,
    hookTimeout: 60_000
  }
})
