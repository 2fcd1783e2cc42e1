import { sql, type SQL } from 'drizzle-orm'
import { jobs } from './model.ts'

/** At most this many words of a search count: a longer query narrows nothing and costs index scans. */
const MAX_WORDS = 8
/** A prefix shorter than this would match a large part of the index for little meaning. */
const MIN_PREFIX = 3

/**
 * Full-text search over a job's title, dialect and description (the `search_vector` column and its GIN
 * index, migration 0004_job_search): case- and accent-insensitive, Spanish and English stems, so
 * "cancion", "Canción" and "canciones" find each other. The column is not in the Drizzle model, so it is
 * named here in SQL.
 *
 * Only letters and digits of the query are kept, so no text search operator a person types can change
 * the query's meaning or make it fail; every word must match, the last one also as a prefix (someone
 * typing "grab" finds "grabación"). Returns null when nothing searchable is left.
 */
export function jobSearch(q: string): { where: SQL; rank: SQL } | null {
  const words = (q.normalize('NFC').match(/[\p{L}\p{N}]+/gu) ?? []).slice(0, MAX_WORDS)
  if (words.length === 0) return null
  const last = words.length - 1
  const expression = words.map((w, i) => (i === last && w.length >= MIN_PREFIX ? `${w}:*` : w)).join(' & ')
  // A word may be a stop word in one language and not the other ("de"); either reading may match.
  const query = sql`(to_tsquery('web.search_es', ${expression}) || to_tsquery('web.search_en', ${expression}))`
  const vector = sql`${jobs}.search_vector`
  return { where: sql`${vector} @@ ${query}`, rank: sql`ts_rank(${vector}, ${query})` }
}
