import { sql, type SQL } from 'drizzle-orm'
import { jobs } from './model.ts'

/** At most this many words of a search count: a longer query narrows nothing and costs index scans. */
const MAX_WORDS = 8
/** A prefix shorter than this would match a large part of the index for little meaning. */
const MIN_PREFIX = 3

/**
 * Full-text search over a job's title, dialect and description (the `search_vector` column and its GIN
 * index, migration 0006_job_search): case- and accent-insensitive, Spanish and English stems, so
 * "cancion", "Canción" and "canciones" find each other. The column is not in the Drizzle model, so it is
 * named here in SQL.
 *
 * Only letters and digits of the query are kept, so no text search operator a person types can change
 * the query's meaning or make it fail; every word must match, the last one also as a prefix (someone
 * typing "grab" finds "grabación"). Returns null when nothing searchable is left.
 *
 * The ranking is two tiers, so that a page is one index-ordered scan with a LIMIT (issue 14: `ts_rank`
 * over every match cost 70–170 ms for a broad word at 100,000 jobs): `title` matches every word in the
 * title or dialect (weights A and B of the vector), the other matches of `all` (in the description) come
 * after. Within a tier, newest first.
 */
export function jobSearch(q: string): { all: SQL; title: SQL } | null {
  const words = (q.normalize('NFC').match(/[\p{L}\p{N}]+/gu) ?? []).slice(0, MAX_WORDS)
  if (words.length === 0) return null
  const last = words.length - 1
  const expression = (weights: string) =>
    words.map((w, i) => (i === last && w.length >= MIN_PREFIX ? `${w}:*${weights}` : weights ? `${w}:${weights}` : w)).join(' & ')
  // A word may be a stop word in one language and not the other ("de"); either reading may match.
  const query = (e: string) => sql`(to_tsquery('web.search_es', ${e}) || to_tsquery('web.search_en', ${e}))`
  const vector = sql`${jobs}.search_vector`
  return { all: sql`${vector} @@ ${query(expression(''))}`, title: sql`${vector} @@ ${query(expression('AB'))}` }
}
