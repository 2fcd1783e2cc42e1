import type { RouteEntry } from '@voces/platform/fuzz'

/** One HTML form as a browser would submit it: where, how, and the fields with their initial values. */
export interface FormSpec {
  method: 'get' | 'post'
  action: string
  enctype: string
  fields: Array<{ name: string; value: string; file: boolean }>
}

const attr = (tag: string, name: string) => {
  const m = new RegExp(`\\s${name}="([^"]*)"`).exec(tag)
  return m ? decodeEntities(m[1]!) : undefined
}

function decodeEntities(s: string): string {
  return s.replace(/&(amp|lt|gt|quot|#39|#x27);/g, (_m, e: string) => ({ amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'", '#x27': "'" })[e]!)
}

/** The forms of a page: POST forms are fuzzed as bodies, GET forms (searches) as query strings. */
export function formsOf(html: string, pagePath: string): FormSpec[] {
  const forms: FormSpec[] = []
  for (const m of html.matchAll(/<form\b([^>]*)>([\s\S]*?)<\/form>/g)) {
    const open = m[1]!
    const method = (attr(open, 'method') ?? 'get').toLowerCase() === 'post' ? 'post' : 'get'
    const fields: FormSpec['fields'] = []
    for (const f of m[2]!.matchAll(/<(input|select|textarea|button)\b([^>]*)>/g)) {
      const name = attr(f[2]!, 'name')
      if (!name) continue
      const type = attr(f[2]!, 'type') ?? ''
      let value = attr(f[2]!, 'value') ?? ''
      if (f[1] === 'select') value = /<option[^>]*\svalue="([^"]*)"/.exec(m[2]!.slice(f.index! + f[0].length))?.[1] ?? ''
      fields.push({ name, value: decodeEntities(value), file: type === 'file' })
    }
    const action = new URL(attr(open, 'action') ?? pagePath, 'http://x').pathname
    forms.push({ method, action, enctype: attr(open, 'enctype') ?? 'application/x-www-form-urlencoded', fields })
  }
  return forms
}

/** Local links and form actions of a page, as paths without query. */
export function pathsOf(html: string): string[] {
  const paths = new Set<string>()
  for (const m of html.matchAll(/\s(?:href|action)="(\/[^"#?]*)/g)) paths.add(decodeEntities(m[1]!))
  return [...paths]
}

/** A route pattern as a regular expression over paths, with its parameter names. */
export function patternOf(route: RouteEntry): { regex: RegExp; params: string[] } {
  const params: string[] = []
  const source = route.url
    .split('/')
    .map((segment) => {
      if (segment === '*') return params.push('*') && '(.*)'
      if (segment.startsWith(':')) return params.push(segment.slice(1)) && '([^/]+)'
      return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
    })
    .join('/')
  return { regex: new RegExp(`^${source}$`), params }
}

/**
 * Visits the app's pages as the given fetcher (breadth first from every GET route without
 * parameters, following local links that match a GET route) and returns every page path seen and
 * every form found.
 */
export async function crawl(routes: RouteEntry[], get: (path: string) => Promise<string>, maxPages = 60) {
  const getPatterns = routes.filter((r) => r.method === 'GET' && r.url !== '/*').map(patternOf)
  const queue = routes.filter((r) => r.method === 'GET' && !r.url.includes(':') && !r.url.includes('*')).map((r) => r.url)
  const seen = new Set<string>()
  const forms: FormSpec[] = []
  const paths = new Set<string>()
  while (queue.length && seen.size < maxPages) {
    const path = queue.shift()!
    if (seen.has(path)) continue
    seen.add(path)
    const html = await get(path)
    forms.push(...formsOf(html, path))
    for (const p of pathsOf(html)) {
      paths.add(p)
      if (!seen.has(p) && !p.startsWith('/static/') && getPatterns.some((g) => g.regex.test(p))) queue.push(p)
    }
  }
  for (const f of forms) paths.add(f.action)
  return { forms, paths: [...paths, ...seen] }
}

/** Values seen for each parameter of `route` in the crawled paths (real ids, so deeper code is reached). */
export function knownParams(route: RouteEntry, paths: string[]): Record<string, string[]> {
  const { regex, params } = patternOf(route)
  const known: Record<string, Set<string>> = Object.fromEntries(params.map((p) => [p, new Set<string>()]))
  for (const path of paths) {
    const m = regex.exec(path)
    if (m) params.forEach((p, i) => known[p]!.add(m[i + 1]!))
  }
  return Object.fromEntries(Object.entries(known).map(([k, v]) => [k, [...v]]))
}
