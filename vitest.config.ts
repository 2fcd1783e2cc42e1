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
          include: ['{services,apps}/*/{src,test}/**/*.browser.test.{ts,tsx}', 'test/**/*.browser.test.ts']
        }
      }
    ],
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 60_000
  }
})
