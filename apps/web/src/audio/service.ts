import { readFile } from 'node:fs/promises'
import { and, asc, desc, eq, inArray, isNull, sql } from 'drizzle-orm'
import { queryRows, type Db, type Logger, type Tx } from '@voces/platform'
import { audioClips, audioRequests, type AudioClip, type AudioRequest } from './model.ts'
import type { AudioError } from './errors.ts'
import { isTarget } from './chain.ts'
import type { MediaService } from '../media/service.ts'
import type { MediaError } from '../media/errors.ts'
import type { FormFile } from '../http/form.ts'
import { isUuid } from '../domain/ids.ts'
import { audioSeconds } from './duration.ts'
import { users, type User } from '../domain/user.ts'
import type { Language } from '../domain/languages.ts'
import type { Job } from '../jobs/model.ts'

/** What a speaker button plays: the clip and the language it is in. */
export interface Heard {
  clipId: string
  language: Language
}

export interface AudioDeps {
  db: Db
  media: MediaService
  logger: Logger
  /** Bytes a contribution may have (a 30 s Opus recording is ~150 KB; a 30 s WAV a few MB). */
  maxBytes: number
  /** How many targets the in-memory cache keeps before it starts over. */
  cacheTargets?: number
  /**
   * How long a cached target is trusted. This process forgets a target the moment it publishes for it;
   * other processes (several web servers) see the publish at the latest after this.
   */
  cacheTtlMs?: number
  now?: () => number
}

/** Recordings longer than this are refused when the container says how long they are (WAV, WebM). */
export const MAX_SECONDS = 30

export function createAudioService(deps: AudioDeps) {
  // target → (language → clip id) of the ready clips; an empty map remembers "nothing recorded".
  const cache = new Map<string, { at: number; byLang: Map<Language, string> }>()
  const cacheLimit = deps.cacheTargets ?? 50_000
  const ttl = deps.cacheTtlMs ?? 5 * 60_000
  const now = deps.now ?? Date.now
  // Bumped by every change to what is heard: a lookup that raced a publish must not cache its old answer.
  let generation = 0
  function forget(target: string): void {
    generation++
    cache.delete(target)
  }

  /**
   * The ready clips of every target, from the cache, with ONE query for those it does not hold.
   * Pages call this once with everything their speaker buttons name (see attach.ts).
   */
  async function readyClips(targets: readonly string[]): Promise<Map<string, Map<Language, string>>> {
    const wanted = [...new Set(targets.filter(isTarget))]
    const fresh = now() - ttl
    const missing = wanted.filter((t) => (cache.get(t)?.at ?? -Infinity) < fresh)
    if (missing.length > 0) {
      const startedAt = generation
      const rows = await queryRows<{ id: string; target: string; language: Language }>(
        deps.db,
        sql`select id, target, language from web.audio_clips
            where status = 'ready' and target in (${sql.join(
              missing.map((t) => sql`${t}`),
              sql`, `
            )})`
      )
      const found = new Map<string, Map<Language, string>>(missing.map((t) => [t, new Map()]))
      for (const r of rows) found.get(r.target)!.set(r.language, r.id)
      if (startedAt === generation) {
        if (cache.size + missing.length > cacheLimit) cache.clear()
        const at = now()
        for (const [t, byLang] of found) cache.set(t, { at, byLang })
      }
      return new Map(wanted.map((t) => [t, found.get(t) ?? cache.get(t)?.byLang ?? new Map()]))
    }
    return new Map(wanted.map((t) => [t, cache.get(t)?.byLang ?? new Map()]))
  }

  async function refusal(input: Buffer | FormFile): Promise<'file_too_large' | 'audio_too_long' | undefined> {
    if ((Buffer.isBuffer(input) ? input.length : input.size) > deps.maxBytes) return 'file_too_large'
    // A clip is small (maxBytes, 3 MB at most): its length is read from the whole of it.
    const bytes = Buffer.isBuffer(input) ? input : await readFile(input.path)
    const seconds = audioSeconds(bytes)
    return seconds !== null && seconds > MAX_SECONDS + 0.5 ? 'audio_too_long' : undefined
  }

  return {
    readyClips,

    /** For each target, the first language of the chain that has a ready clip. */
    async resolve(targets: readonly string[], chain: readonly Language[]): Promise<Map<string, Heard>> {
      const clips = await readyClips(targets)
      const heard = new Map<string, Heard>()
      for (const [target, byLang] of clips) {
        const language = chain.find((l) => byLang.has(l))
        if (language) heard.set(target, { clipId: byLang.get(language)!, language })
      }
      return heard
    },

    /** Why these bytes cannot be a recording (too big, too long), or undefined: judged before they are stored. */
    refusal,

    /**
     * Anyone signed in may offer a recording (recorded in the browser or uploaded, already stored as
     * their media: media/kept.ts keeps it through a refused try); it waits for review.
     */
    async contribute(input: {
      contributor: User
      target: string
      language: Language
      mediaId: string
    }): Promise<AudioClip | AudioError | MediaError | 'not_found'> {
      if (!isTarget(input.target)) return 'invalid_target'
      const file = await deps.media.get(input.mediaId)
      if (!file || file.ownerId !== input.contributor.id || file.purpose !== 'audio_clip' || file.kind !== 'audio') return 'not_found'
      if (file.sizeBytes > deps.maxBytes) return 'file_too_large'
      const bytes = await deps.media.read(file)
      const refused = await refusal(bytes)
      if (refused) return refused
      const seconds = audioSeconds(bytes)
      const [clip] = await deps.db
        .insert(audioClips)
        .values({
          target: input.target,
          language: input.language,
          status: 'needs_review',
          mediaId: file.id,
          contributorId: input.contributor.id,
          durationMs: seconds === null ? null : Math.round(seconds * 1000)
        })
        .returning()
      return clip!
    },

    /** Asks for a recording; asking again while one is open returns the open request. */
    async request(input: { requester: User | null; target: string; language: Language }): Promise<AudioRequest | AudioError> {
      if (!isTarget(input.target)) return 'invalid_target'
      await deps.db
        .insert(audioRequests)
        .values({ target: input.target, language: input.language, requestedBy: input.requester?.id ?? null })
        .onConflictDoNothing()
      const [open] = await deps.db
        .select()
        .from(audioRequests)
        .where(and(eq(audioRequests.target, input.target), eq(audioRequests.language, input.language), isNull(audioRequests.closedAt)))
      return open!
    },

    /**
     * Makes a clip the one heard for its target and language: the previous one is replaced and open
     * requests for the pair are closed, all in one transaction; then the cache forgets the target.
     */
    async publish(reviewer: User, clipId: string): Promise<AudioClip | AudioError | 'not_found'> {
      if (!isUuid(clipId)) return 'not_found'
      const result = await deps.db.transaction(async (tx) => {
        const [clip] = await tx.select().from(audioClips).where(eq(audioClips.id, clipId)).for('update')
        if (!clip) return 'not_found' as const
        if (clip.status !== 'needs_review' && clip.status !== 'draft') return 'already_reviewed' as const
        // Serialise publishers of the same target and language (the partial unique index is the backstop).
        await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`audio:${clip.target}:${clip.language}`}))`)
        await tx
          .update(audioClips)
          .set({ status: 'replaced' })
          .where(and(eq(audioClips.target, clip.target), eq(audioClips.language, clip.language), eq(audioClips.status, 'ready')))
        const [published] = await tx
          .update(audioClips)
          .set({ status: 'ready', reviewerId: reviewer.id, reviewedAt: new Date() })
          .where(eq(audioClips.id, clip.id))
          .returning()
        await tx
          .update(audioRequests)
          .set({ closedAt: new Date(), closedByClipId: clip.id })
          .where(and(eq(audioRequests.target, clip.target), eq(audioRequests.language, clip.language), isNull(audioRequests.closedAt)))
        return published!
      })
      if (typeof result !== 'string') {
        forget(result.target)
        deps.logger.info({ clipId: result.id, target: result.target, language: result.language }, 'audio published')
      }
      return result
    },

    async reject(reviewer: User, clipId: string): Promise<AudioClip | AudioError | 'not_found'> {
      if (!isUuid(clipId)) return 'not_found'
      const [clip] = await deps.db.select().from(audioClips).where(eq(audioClips.id, clipId))
      if (!clip) return 'not_found'
      const [rejected] = await deps.db
        .update(audioClips)
        .set({ status: 'rejected', reviewerId: reviewer.id, reviewedAt: new Date() })
        .where(and(eq(audioClips.id, clipId), sql`${audioClips.status} in ('needs_review', 'draft')`))
        .returning()
      return rejected ?? 'already_reviewed'
    },

    /**
     * A job's title or description changed: what was recorded for the old text goes back to review
     * (an admin re-publishes it if it still fits, e.g. after a typo fix) and is not heard meanwhile.
     */
    async jobEdited(tx: Tx, before: Job, after: Job): Promise<void> {
      for (const field of ['title', 'description'] as const) {
        if (before[field] === after[field]) continue
        const target = `job.${after.id}.${field}`
        await tx
          .update(audioClips)
          .set({ status: 'needs_review' })
          .where(and(eq(audioClips.target, target), eq(audioClips.status, 'ready')))
        forget(target)
      }
    },

    /** Takes a published clip back (a wrong or offensive recording): from now on it is not heard. */
    async withdraw(reviewer: User, clipId: string): Promise<AudioClip | AudioError | 'not_found'> {
      if (!isUuid(clipId)) return 'not_found'
      const [clip] = await deps.db.select().from(audioClips).where(eq(audioClips.id, clipId))
      if (!clip) return 'not_found'
      const [withdrawn] = await deps.db
        .update(audioClips)
        .set({ status: 'rejected', reviewerId: reviewer.id, reviewedAt: new Date() })
        .where(and(eq(audioClips.id, clipId), eq(audioClips.status, 'ready')))
        .returning()
      if (!withdrawn) return 'already_reviewed'
      forget(withdrawn.target)
      deps.logger.info({ clipId, target: withdrawn.target, language: withdrawn.language }, 'audio withdrawn')
      return withdrawn
    },

    /** Usernames of contributors, for the review queue. */
    async contributorNames(ids: readonly string[]): Promise<Map<string, string>> {
      const unique = [...new Set(ids)]
      if (unique.length === 0) return new Map()
      const rows = await deps.db.select({ id: users.id, username: users.username }).from(users).where(inArray(users.id, unique))
      return new Map(rows.map((u) => [u.id, u.username]))
    },

    /** How many targets are heard in each language, for operators to see where recordings are missing. */
    async coverage(): Promise<{ language: Language; count: number }[]> {
      const rows = await queryRows<{ language: Language; count: string | number }>(
        deps.db,
        sql`select language, count(*) as count from web.audio_clips where status = 'ready' group by language order by count(*) desc, language`
      )
      return rows.map((r) => ({ language: r.language, count: Number(r.count) }))
    },

    /** The latest published clips, for admins to check (and withdraw). */
    recentlyPublished(): Promise<AudioClip[]> {
      return deps.db.select().from(audioClips).where(eq(audioClips.status, 'ready')).orderBy(desc(audioClips.reviewedAt)).limit(50)
    },

    /** The review queue, oldest first. */
    queue(): Promise<AudioClip[]> {
      return deps.db.select().from(audioClips).where(eq(audioClips.status, 'needs_review')).orderBy(asc(audioClips.createdAt)).limit(200)
    },

    openRequests(): Promise<AudioRequest[]> {
      return deps.db.select().from(audioRequests).where(isNull(audioRequests.closedAt)).orderBy(desc(audioRequests.createdAt)).limit(200)
    },

    /** Open requests and clips waiting for review of one target, to show on its contribute page. */
    async status(target: string): Promise<{ requests: AudioRequest[]; waiting: AudioClip[] }> {
      const requests = await deps.db.select().from(audioRequests).where(and(eq(audioRequests.target, target), isNull(audioRequests.closedAt)))
      const waiting = await deps.db.select().from(audioClips).where(and(eq(audioClips.target, target), eq(audioClips.status, 'needs_review')))
      return { requests, waiting }
    },

    async get(clipId: string): Promise<AudioClip | null> {
      if (!isUuid(clipId)) return null
      const [clip] = await deps.db.select().from(audioClips).where(eq(audioClips.id, clipId))
      return clip ?? null
    },

    /** Only published clips are public; the contributor and admins also hear those under review. */
    canHear(viewer: User | null, clip: AudioClip): boolean {
      if (clip.status === 'ready') return true
      return !!viewer && (viewer.isAdmin || viewer.id === clip.contributorId)
    }
  }
}

export type AudioService = ReturnType<typeof createAudioService>
