import { afterAll, beforeAll, expect, test } from 'vitest'
import { eq } from 'drizzle-orm'
import { Agent, startTestWeb, type TestWeb } from './helpers.ts'
import { seedDemoData } from '../src/seed/seed.ts'
import { locales } from '../src/i18n/index.ts'
import { users } from '../src/domain/user.ts'
import { jobs } from '../src/jobs/model.ts'

/**
 * The interface is complete in both languages: a page in English shows no sentence that exists only in
 * Spanish, and the other way round. Catches views that hard-code text or use a key one locale lacks.
 */
let t: TestWeb
let paths: string[] = []

function leaves(obj: object): Map<string, string> {
  const out = new Map<string, string>()
  const walk = (o: object, prefix: string) => {
    for (const [k, v] of Object.entries(o)) {
      if (v && typeof v === 'object') walk(v, `${prefix}${k}.`)
      else out.set(`${prefix}${k}`, String(v))
    }
  }
  walk(obj, '')
  return out
}

/** Sentences (several words: single words also turn up in user data) of `lang` that differ from the other language. */
function onlyIn(lang: 'es' | 'en'): string[] {
  const mine = leaves(locales[lang])
  const other = leaves(locales[lang === 'es' ? 'en' : 'es'])
  return [...mine]
    .filter(([key, text]) => text !== other.get(key) && text.length >= 8 && text.includes(' ') && !text.includes('{{'))
    .map(([, text]) => text)
}

function visibleText(html: string): string {
  return html
    .replace(/<script[\s\S]*?<\/script>/g, ' ')
    .replace(/<[^>]*?(?:aria-label|title|alt|placeholder|data-not-recorded|data-record-or-ask)="([^"]*)"[^>]*>/g, ' $1 ')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&#34;|&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&')
}

beforeAll(async () => {
  t = await startTestWeb()
  await seedDemoData({ db: t.database.db, hashPassword: t.web.services.users.hashPassword, sandboxWalletUrl: 'http://localhost:4100', asset: t.config.asset })
  await t.database.db.update(users).set({ isAdmin: true }).where(eq(users.username, 'demo_funder'))
  const [owner] = await t.database.db.select().from(users).where(eq(users.username, 'demo_funder'))
  const owned = await t.database.db.select().from(jobs).where(eq(jobs.ownerId, owner!.id))
  const byState = new Map(owned.map((j) => [j.state, j.id]))
  // Payments in the states with their own sentences: a wallet's decline report, and one being confirmed.
  const reported = owned.find((j) => j.state === 'recruiting')!
  const reviewing = owned.find((j) => j.state === 'submitting')!
  const declined = await t.web.services.fundings.start(owner!, reported)
  const confirming = await t.web.services.fundings.start(owner!, reviewing)
  if (typeof declined === 'string' || typeof confirming === 'string') throw new Error(`funding did not start: ${String(declined)} ${String(confirming)}`)
  t.payments.walletSays(declined.pendingId!, 'grant_rejected')
  t.payments.settle(confirming.pendingId!, 'needs_review', 'settlement_deadline not confirmed')
  paths = [
    '/',
    '/jobs',
    '/dashboard',
    '/dashboard/jobs',
    '/dashboard/applications',
    '/dashboard/work',
    '/dashboard/money',
    '/profile',
    '/jobs/new',
    '/audio',
    '/audio/contribute?target=browse.title',
    '/admin/audio',
    '/admin/money',
    `/jobs/${reported.id}`,
    `/jobs/${reviewing.id}`,
    '/nowhere',
    ...[...byState.values()].map((id) => `/jobs/${id}`)
  ]
})
afterAll(() => t.close())

test.each(['en', 'es'] as const)('pages in %s show no text that exists only in the other language', async (lang) => {
  const agent = new Agent(t.baseUrl)
  await agent.post('/login', { username: 'demo_funder', password: 'demo123' })
  await agent.post('/language', { lang, next: '/' })
  const foreign = onlyIn(lang === 'en' ? 'es' : 'en')
  const found: string[] = []
  let seen = ''
  for (const path of paths) {
    const res = await agent.get(path)
    expect(res.html).toContain(`<html lang="${lang}"`)
    const text = visibleText(res.html)
    seen += text
    for (const sentence of foreign) if (text.includes(sentence)) found.push(`${path}: ${sentence}`)
  }
  // The payment states set up above were on show.
  expect(seen).toContain(locales[lang].funding.wallet_result.declined)
  expect(seen).toContain(locales[lang].funding.try_again)
  expect(seen).toContain(locales[lang].funding.states.needs_review)
  expect(seen).toContain(locales[lang].admin.money.check_again)
  const anon = new Agent(t.baseUrl)
  await anon.post('/language', { lang, next: '/' })
  for (const path of ['/', '/jobs', '/login', '/register', '/audio']) {
    const text = visibleText((await anon.get(path)).html)
    for (const sentence of foreign) if (text.includes(sentence)) found.push(`anonymous ${path}: ${sentence}`)
  }
  expect(found).toEqual([])
})
