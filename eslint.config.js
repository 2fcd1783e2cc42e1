import js from '@eslint/js'
import tseslint from 'typescript-eslint'
import boundaries from 'eslint-plugin-boundaries'
import { readdirSync } from 'node:fs'

// ---------------------------------------------------------------------------------------------------
// Imports run downward (docs/web.md "Layout", docs/architecture.md): each layer below may import only
// the layers listed for it, so an upward import fails `npx eslint .` (eslint-plugin-boundaries).
// Files are classified by folder (elements) or, for single files beside app.ts, by name (categories);
// imports within one folder are free, except between the single files of a service's root.
// Tests are not layered: they may build the whole app.
// ---------------------------------------------------------------------------------------------------
const WEB = 'apps/web/src'
const PAY = 'services/payments/src'
const SBX = 'services/sandbox-wallet/src'

/** The web app's features, each with the features below it that it may import. */
const webFeatures = {
  'payments-client': [],
  sessions: [],
  media: [],
  // Idempotency keys and the page's offline queue (its scripts and views); used by the forms a phone queues.
  outbox: [],
  users: ['sessions', 'media', 'payments-client'],
  jobs: ['media'],
  applications: ['jobs', 'media', 'outbox'],
  submissions: ['applications', 'jobs', 'media', 'outbox'],
  payouts: ['submissions', 'jobs', 'payments-client'],
  funding: ['payouts', 'jobs', 'payments-client'],
  disputes: ['submissions', 'jobs'],
  audio: ['jobs', 'media', 'outbox'],
  // Told of every feature's events through app.ts callbacks; it imports none of them.
  notices: [],
  'test-wallet': [],
  // The installable app: service worker, manifest, offline fallback; reads the session cookie's name.
  offline: ['sessions']
}
const sandboxFeatures = ['admin', 'consent', 'grant', 'incoming-payment', 'ledger', 'outgoing-payment', 'quote', 'wallet-address']
const payMid = ['seller', 'webhook', 'consent', 'wallet-address']
const payUpper = ['payment', 'payout']

// Elements match folders, and a file in no listed folder falls to its service's root element: in the web app
// that is the top layer (web-app, which may import everything), so a new folder left out of the lists below
// would go unchecked. Every folder of a service's src/ must be in a layer; otherwise eslint stops here.
const layeredFolders = {
  [WEB]: ['db', 'domain', 'i18n', 'views', 'http', ...Object.keys(webFeatures), 'pages', 'seed'],
  [PAY]: ['http', 'open-payments', ...payMid, ...payUpper],
  [SBX]: ['http', 'db', ...sandboxFeatures]
}
const unlisted = Object.entries(layeredFolders).flatMap(([root, known]) =>
  readdirSync(`${import.meta.dirname}/${root}`, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && !known.includes(entry.name))
    .map((entry) => `${root}/${entry.name}`)
)
if (unlisted.length) throw new Error(`eslint.config.js: ${unlisted.join(', ')} in no layer: add each to its layer (docs/architecture.md)`)

const folder = (type, pattern, capture) => ({ type, pattern, partialMatch: false, ...(capture ? { capture } : {}) })
const files = (category, root, names) => ({ category, pattern: `${root}/{${names.join(',')}}.ts` })
const el = (...types) => types.map((type) => ({ element: { type } }))
const file = (...categories) => categories.map((category) => ({ file: { categories: category } }))
const webFeature = (...names) => ({ element: { type: 'web-feature', captured: names.map((feature) => ({ feature })) } })

const webBelowFeatures = el('web-db', 'web-domain', 'web-i18n', 'web-views', 'web-http')
const payBase = [...el('pay-base'), ...file('pay-base')]
const sbxBase = [...el('sbx-base'), ...file('sbx-base')]

const layers = {
  files: [`${WEB}/**/*.{ts,tsx}`, `${PAY}/**/*.ts`, `${SBX}/**/*.{ts,tsx}`],
  ignores: ['**/*.test.{ts,tsx}'],
  plugins: { boundaries },
  settings: {
    'boundaries/root-path': import.meta.dirname,
    'boundaries/dependency-nodes': ['import', 'export', 'dynamic-import'],
    'boundaries/elements': [
      // apps/web: db/ domain/ at the bottom, then i18n/, views/, http/ (plumbing), the features, the
      // pages that assemble several features, and on top what src/ holds itself (app.ts, main.ts…, seed/).
      folder('web-db', `${WEB}/db`),
      folder('web-domain', `${WEB}/domain`),
      folder('web-i18n', `${WEB}/i18n`),
      folder('web-views', `${WEB}/views`),
      folder('web-http', `${WEB}/http`),
      folder('web-feature', `${WEB}/(${Object.keys(webFeatures).join('|')})`, ['feature']),
      folder('web-page', `${WEB}/pages/*`, ['page']),
      folder('web-app', `${WEB}/seed`),
      folder('web-app', WEB),
      // services/payments: input.ts amount.ts errors.ts db.ts config.ts http/ open-payments/ at the bottom;
      // seller/ webhook/ consent/ wallet-address/ above; payment/ and payout/ above those; app.ts main.ts index.ts on top.
      folder('pay-base', `${PAY}/(http|open-payments)`),
      folder('pay-mid', `${PAY}/(${payMid.join('|')})`, ['name']),
      folder('pay-upper', `${PAY}/(${payUpper.join('|')})`, ['name']),
      folder('pay-root', PAY),
      // services/sandbox-wallet: deps.ts config.ts http/ db/ at the bottom; the features; app.ts main.ts testing.ts seed.ts on top.
      folder('sbx-base', `${SBX}/(http|db)`),
      folder('sbx-feature', `${SBX}/(${sandboxFeatures.join('|')})`, ['name']),
      folder('sbx-root', SBX)
    ],
    'boundaries/files': [
      files('pay-base', PAY, ['input', 'amount', 'errors', 'db', 'config']),
      files('pay-top', PAY, ['app', 'main', 'index']),
      files('sbx-base', SBX, ['deps', 'config']),
      files('sbx-top', SBX, ['app', 'main', 'testing', 'seed'])
    ]
  },
  rules: {
    'boundaries/dependencies': [
      'error',
      {
        default: 'disallow',
        checkInternals: true,
        policies: [
          // apps/web
          { from: el('web-domain'), allow: { to: el('web-db') } },
          { from: el('web-i18n'), allow: { to: el('web-domain') } },
          { from: el('web-views'), allow: { to: el('web-domain', 'web-i18n') } },
          { from: el('web-http'), allow: { to: el('web-domain', 'web-i18n', 'web-views') } },
          ...Object.entries(webFeatures).map(([feature, below]) => ({
            from: webFeature(feature),
            allow: { to: [...webBelowFeatures, ...(below.length ? [webFeature(...below)] : [])] }
          })),
          { from: el('web-page'), allow: { to: [...webBelowFeatures, ...el('web-feature')] } },
          { from: el('web-app'), allow: { to: el('web-db', 'web-domain', 'web-i18n', 'web-views', 'web-http', 'web-feature', 'web-page', 'web-app') } },

          // services/payments (payment/ and payout/ never import each other)
          { from: [...el('pay-base'), ...file('pay-base')], allow: { to: payBase } },
          { from: el('pay-mid'), allow: { to: [...payBase, ...el('pay-mid')] } },
          { from: el('pay-upper'), allow: { to: [...payBase, ...el('pay-mid')] } },
          { from: file('pay-top'), allow: { to: [...payBase, ...el('pay-mid', 'pay-upper'), ...file('pay-top')] } },
          // services/sandbox-wallet: deps.ts names the features' service types (types only); no feature
          // imports another feature's routes or views.
          { from: [...el('sbx-base'), ...file('sbx-base')], allow: { to: sbxBase } },
          { from: { file: { path: `${SBX}/deps.ts` } }, allow: { to: el('sbx-feature'), dependency: { kind: 'type' } } },
          { from: el('sbx-feature'), allow: { to: [...sbxBase, ...el('sbx-feature')] } },
          { from: el('sbx-feature'), disallow: { to: { element: { type: 'sbx-feature' }, file: { path: ['**/routes.ts', '**/*.tsx'] } } } },
          { from: file('sbx-top'), allow: { to: [...sbxBase, ...el('sbx-feature'), ...file('sbx-top')] } },

          // Within one folder anything goes (last: the last policy that matches decides); the single files
          // of a service's root (pay-root, sbx-root) are layered by name above.
          {
            from: el('web-db', 'web-domain', 'web-i18n', 'web-views', 'web-http', 'web-feature', 'web-page', 'web-app', 'pay-base', 'pay-mid', 'pay-upper', 'sbx-base', 'sbx-feature'),
            allow: { dependency: { relationship: { to: 'internal' } } }
          }
        ]
      }
    ]
  }
}

export default tseslint.config(
  { ignores: ['**/node_modules/**', 'data/**', 'artifacts/**', '**/drizzle/**', '**/public/vendor/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'error',
      'no-console': ['error', { allow: ['error', 'warn'] }]
    }
  },
  {
    files: ['scripts/**', '**/scripts/**', '**/bench/**', '.ci/**'],
    rules: { 'no-console': 'off' }
  },
  layers
)
