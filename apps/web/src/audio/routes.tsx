import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { AudioService } from './service.ts'
import { AUDIO_LANG_COOKIE, fieldTarget, isTarget } from './chain.ts'
import { isLanguage, type Language } from '../domain/languages.ts'
import { refusedStatus, type Problem } from '../domain/problems.ts'
import { keepUploads } from '../media/kept.ts'
import { requestChain } from './recordings.ts'
import { ContributePage, SettingsPage } from './views/contribute.tsx'
import { QueuePage, type QueueItem } from './views/queue.tsx'
import { chimeWav } from './chime.ts'
import { errorPages, page, redirect } from '../http/render.tsx'
import { requireAdmin, requireUser } from '../http/guards.ts'
import { body, file, str } from '../http/form.ts'
import { safeLocalPath } from '../http/context.ts'
import { translator, type T } from '../i18n/index.ts'
import { commonErrorStatus } from '../http/errors.ts'
import { mediaErrorStatus } from '../media/errors.ts'
import { audioErrorStatus } from './errors.ts'
import type { JobService } from '../jobs/service.ts'
import type { MediaService } from '../media/service.ts'
import { sendMedia } from '../media/send.ts'
import { isDone, type Done, type OutboxService } from '../outbox/service.ts'
import { outboxErrorStatus } from '../outbox/errors.ts'

const errorPage = errorPages({ ...commonErrorStatus, ...mediaErrorStatus, ...audioErrorStatus, ...outboxErrorStatus })

export interface AudioRouteDeps {
  audio: AudioService
  media: MediaService
  jobs: JobService
  outbox: OutboxService
  secureCookies: boolean
}

/** The words of a UI slug that is an i18n key; null for other slugs. */
function uiText(target: string, t: T): string | null {
  const text: unknown = t(target)
  // An unknown key comes back as itself; a section (`nav`) as i18next's complaint about an object.
  return typeof text !== 'string' || text === target || text.includes('returned an object') ? null : text
}

function nextParam(next: string): string {
  const safe = safeLocalPath(next, '')
  return safe ? `&next=${encodeURIComponent(safe)}` : ''
}

export function audioRoutes(app: FastifyInstance, deps: AudioRouteDeps): void {
  const { audio } = deps
  const chime = chimeWav()

  /** The words a target stands for: a job's field (if the viewer may see the job), or a UI label. */
  async function textOf(target: string, t: T, viewer: Parameters<JobService['getForViewer']>[0]): Promise<string | null> {
    const field = fieldTarget(target)
    if (field) {
      const job = await deps.jobs.getForViewer(viewer, field.jobId)
      return job === 'not_found' ? null : job[field.field]
    }
    return uiText(target, t)
  }

  app.get<{ Querystring: { next?: string } }>('/audio', async (req, reply) => {
    const chain = requestChain(req)
    // What people asked for, so those who can record find it.
    const requests = await audio.openRequests()
    return page(req, reply, { title: 'audio.title', titleSlug: 'audio.title' }, (ctx) => (
      <SettingsPage ctx={ctx} chosen={chain[0]!} next={safeLocalPath(req.query.next, '/audio')} requests={requests.slice(0, 50)} />
    ))
  })

  // A cookie, so it works signed out too; the profile's languages follow it in the chain.
  app.post('/audio/language', { config: { keepsPublicPages: true } }, async (req, reply) => {
    const b = body(req)
    const language = str(b, 'language')
    if (!isLanguage(language)) return errorPage(req, reply, 'invalid_input')
    void reply.setCookie(AUDIO_LANG_COOKIE, language, {
      path: '/',
      sameSite: 'lax',
      httpOnly: true,
      secure: deps.secureCookies,
      maxAge: 365 * 86_400
    })
    return redirect(reply, safeLocalPath(str(b, 'next'), '/audio'))
  })

  /**
   * The page of one target: what is recorded and waiting, and the forms. A refused contribution comes
   * back here with its problems and the recording kept (media/kept.ts), ready to send again.
   */
  async function contributePage(
    req: FastifyRequest,
    reply: FastifyReply,
    o: { target: string; next: string | undefined; sent?: boolean; asked?: boolean; problems?: Problem[]; kept?: string | undefined; language?: Language | undefined }
  ): Promise<FastifyReply> {
    const text = await textOf(o.target, translator(req.lang), req.user)
    // A draft job's fields are nobody's business but its owner's.
    if (fieldTarget(o.target) && text === null) return errorPage(req, reply, 'not_found')
    const [ready, status] = await Promise.all([audio.readyClips([o.target]), audio.status(o.target)])
    const problems = o.problems ?? []
    return page(req, reply, { title: 'audio.contribute_title', titleSlug: 'audio.contribute_title', status: problems.length ? refusedStatus(problems) : 200 }, (ctx) => (
      <ContributePage
        ctx={ctx}
        d={{
          target: o.target,
          text,
          ready: ready.get(o.target) ?? new Map(),
          waiting: status.waiting,
          requests: status.requests,
          language: o.language ?? requestChain(req)[0]!,
          sent: o.sent === true,
          // The page the person came from (the speaker's note links here with it), to go back to.
          back: o.next ? safeLocalPath(o.next, '') || null : fieldTarget(o.target) ? `/jobs/${fieldTarget(o.target)!.jobId}` : null,
          asked: o.asked === true,
          problems,
          kept: o.kept
        }}
      />
    ))
  }

  app.get<{ Querystring: { target?: string; sent?: string; asked?: string; next?: string } }>('/audio/contribute', async (req, reply) => {
    const target = req.query.target
    if (!isTarget(target)) return errorPage(req, reply, 'invalid_target')
    return contributePage(req, reply, { target, next: req.query.next, sent: req.query.sent === '1', asked: req.query.asked === '1' })
  })

  // Per person (the session is read before this hook): only stops a loop filling the disk.
  const perPerson = { max: 60, timeWindow: '1 minute', keyGenerator: (req: FastifyRequest) => req.user?.id ?? req.ip }
  app.post('/audio/contribute', { config: { rateLimit: perPerson } }, async (req, reply) => {
    const user = requireUser(req, reply)
    if (!user) return reply
    const b = body(req)
    const target = str(b, 'target')
    const language = str(b, 'language')
    const next = str(b, 'next') || undefined
    if (!isTarget(target)) return errorPage(req, reply, 'invalid_target')
    if (fieldTarget(target) && (await textOf(target, translator(req.lang), user)) === null) return errorPage(req, reply, 'not_found')
    // The recording is stored before the rest is judged, so a refusal never loses it; bytes that can
    // never be a clip (too big, too long) are refused without being kept. Sent again with the same key (a
    // phone that lost the answer): answered as the first time, one clip only.
    const result = await deps.outbox.once(user, str(b, 'idempotencyKey'), 'contribution', async (): Promise<Done | FastifyReply> => {
      const bytes = file(b, 'audio')
      const unfit = bytes ? await audio.refusal(bytes) : undefined
      const kept = unfit
        ? { ids: {} as Record<string, string>, problems: [{ field: 'audio', code: unfit }] }
        : await keepUploads(deps.media, { owner: user, purpose: 'audio_clip', body: b, fields: [{ name: 'audio', kind: 'audio' }] })
      const problems: Problem[] = [...kept.problems]
      const mediaId = kept.ids.audio
      if (!mediaId && problems.length === 0) problems.push({ field: 'audio', code: 'required' })
      if (!isLanguage(language)) problems.push({ field: 'language', code: 'invalid_input' })
      if (problems.length === 0 && mediaId && isLanguage(language)) {
        const clip = await audio.contribute({ contributor: user, target, language, mediaId })
        if (typeof clip !== 'string') return { done: `/audio/contribute?target=${encodeURIComponent(target)}&sent=1${nextParam(next ?? '')}` }
        if (clip === 'invalid_target' || clip === 'not_found') return errorPage(req, reply, clip)
        return contributePage(req, reply, { target, next, problems: [{ field: 'audio', code: clip }] })
      }
      return contributePage(req, reply, { target, next, problems, kept: mediaId, language: isLanguage(language) ? language : undefined })
    })
    if (typeof result === 'string') return errorPage(req, reply, result, `/audio/contribute?target=${encodeURIComponent(target)}${nextParam(next ?? '')}`)
    return isDone(result) ? reply.redirect(result.done, 303) : result
  })

  // Anyone may ask, signed in or not: the open request is unique per target and language.
  app.post('/audio/requests', { config: { rateLimit: { max: 30, timeWindow: '1 minute' } } }, async (req, reply) => {
    const b = body(req)
    const target = str(b, 'target')
    const language = str(b, 'language')
    if (!isTarget(target)) return errorPage(req, reply, 'invalid_target')
    if (!isLanguage(language)) return errorPage(req, reply, 'invalid_input')
    if (fieldTarget(target) && (await textOf(target, translator(req.lang), req.user)) === null) return errorPage(req, reply, 'not_found')
    const request = await audio.request({ requester: req.user, target, language })
    if (typeof request === 'string') return errorPage(req, reply, request)
    return redirect(reply, `/audio/contribute?target=${encodeURIComponent(target)}&asked=1${nextParam(str(b, 'next'))}`)
  })

  // What app.js plays when the phone cannot speak: "not recorded yet" as recorded by the community in the
  // listener's languages, or else a generic sound.
  app.get('/audio/fallback', async (req, reply) => {
    const heard = (await audio.resolve(['common.not_recorded'], requestChain(req))).get('common.not_recorded')
    if (heard) return reply.header('cache-control', 'no-store').redirect(`/audio/clips/${heard.clipId}`, 302)
    return reply.header('content-type', 'audio/wav').header('cache-control', 'public, max-age=86400').send(chime)
  })

  app.get<{ Params: { id: string } }>('/audio/clips/:id', { compress: false }, async (req, reply) => {
    const clip = await audio.get(req.params.id)
    // Clips under review are heard only by their contributor and admins; others learn nothing.
    if (!clip || !audio.canHear(req.user, clip)) return errorPage(req, reply, 'not_found')
    const file = await deps.media.get(clip.mediaId)
    if (!file) return errorPage(req, reply, 'not_found')
    reply
      .header('content-disposition', 'inline')
      .header('content-security-policy', "default-src 'none'; media-src 'self'; sandbox")
      // A published clip never changes (a new recording is a new clip id), so phones may keep it.
      .header('cache-control', clip.status === 'ready' ? 'public, max-age=604800, immutable' : 'private, no-store')
    return sendMedia(deps.media, file, req.headers.range, reply)
  })

  app.get<{ Querystring: { done?: string } }>('/admin/audio', async (req, reply) => {
    if (!requireAdmin(req, reply)) return reply
    const t = translator(req.lang)
    const [clips, requests, published, coverage] = await Promise.all([audio.queue(), audio.openRequests(), audio.recentlyPublished(), audio.coverage()])
    const all = [...clips, ...published]
    // One query for the names, one for the jobs whose fields were recorded (admins see every job).
    const names = await audio.contributorNames(all.map((c) => c.contributorId).filter((id): id is string => !!id))
    const jobIds = [...new Set(all.map((c) => fieldTarget(c.target)?.jobId).filter((id): id is string => !!id))]
    const jobsById = new Map((jobIds.length ? await deps.jobs.getMany(jobIds) : []).map((j) => [j.id, j]))
    const textFor = (target: string): string | null => {
      const field = fieldTarget(target)
      if (!field) return uiText(target, t)
      return jobsById.get(field.jobId)?.[field.field] ?? null
    }
    const describe = (list: typeof clips): QueueItem[] =>
      list.map((clip) => ({ clip, text: textFor(clip.target), contributor: names.get(clip.contributorId ?? '') ?? '—' }))
    const items = describe(clips)
    const recent = describe(published)
    return page(req, reply, { title: 'audio.queue_title', titleSlug: 'audio.queue_title' }, (ctx) => (
      <QueuePage ctx={ctx} items={items} published={recent} requests={requests} coverage={coverage} done={req.query.done} />
    ))
  })

  for (const action of ['publish', 'reject', 'withdraw'] as const) {
    app.post<{ Params: { id: string } }>(`/admin/audio/:id/${action}`, async (req, reply) => {
      const admin = requireAdmin(req, reply)
      if (!admin) return reply
      const result = await audio[action](admin, req.params.id)
      if (typeof result === 'string') return errorPage(req, reply, result)
      return redirect(reply, `/admin/audio?done=${action === 'publish' ? 'published' : action === 'reject' ? 'rejected' : 'withdrawn'}`)
    })
  }
}
