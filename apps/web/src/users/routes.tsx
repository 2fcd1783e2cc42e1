import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { UserService } from './service.ts'
import { LANGUAGES, type Language } from '../domain/languages.ts'
import type { SessionService } from '../sessions/service.ts'
import { SESSION_COOKIE } from '../sessions/service.ts'
import type { MediaService } from '../media/service.ts'
import { isUiLanguage } from '../domain/languages.ts'
import { page, redirect, refusedForm } from '../http/render.tsx'
import { safeLocalPath } from '../http/context.ts'
import { body, list, str } from '../http/form.ts'
import { inputProblems } from '../http/input.ts'
import { keepUploads } from '../media/kept.ts'
import { isTimeZone } from '../domain/time-zones.ts'
import type { Problem } from '../domain/problems.ts'
import type { User } from '../domain/user.ts'
import { fromOwnPage, requireUser } from '../http/guards.ts'
import { LoginForm, RegisterForm } from './views/auth.tsx'
import { ProfileForm } from './views/profile.tsx'
import { DELIVERABLE_TYPES, type DeliverableType } from '../domain/deliverables.ts'
import type { MediaKind } from '../domain/deliverables.ts'
import type { ViewCtx } from '../views/context.ts'

/** The cookie @fastify/csrf-protection keeps the CSRF secret in (app.ts). */
const CSRF_COOKIE = '_csrf'

const ROLES = ['funder', 'creator', 'both'] as const
const isRole = (r: string): r is (typeof ROLES)[number] => (ROLES as readonly string[]).includes(r)

export function userRoutes(
  app: FastifyInstance,
  deps: {
    users: UserService
    sessions: SessionService
    media: MediaService
    secureCookies: boolean
    /** The site's public address (WEB_BASE_URL): a same-origin proof names it (http/guards.ts fromOwnPage). */
    baseUrl: () => string
    loginRateLimit: number
    /** More for the profile page, composed by app.ts (the sandbox's test wallet); read before the page is built. */
    profileExtra?: ((user: User) => Promise<(ctx: ViewCtx) => JSX.Element>) | undefined
  }
): void {
  const { users, sessions, media } = deps
  const profileExtra = async (user: User) => (deps.profileExtra ? await deps.profileExtra(user) : () => '')

  async function startSession(reply: FastifyReply, userId: string): Promise<void> {
    const { token, expiresAt } = await sessions.create(userId)
    reply.setCookie(SESSION_COOKIE, token, {
      path: '/',
      httpOnly: true,
      sameSite: 'lax',
      secure: deps.secureCookies,
      expires: expiresAt
    })
    // A new session gets a new CSRF secret: the next page issues one (a planted secret does not survive login).
    reply.clearCookie(CSRF_COOKIE, { path: '/' })
  }

  app.get('/register', (req, reply) =>
    page(req, reply, { title: 'register.title', titleSlug: 'register.title' }, (ctx) => <RegisterForm ctx={ctx} />)
  )

  app.post('/register', { config: { showsFormAgain: true, keepsPublicPages: true } }, async (req, reply) => {
    const b = body(req)
    const values = { username: str(b, 'username'), displayName: str(b, 'displayName'), password: str(b, 'password'), role: str(b, 'role') || 'creator' }
    let problems = [...inputProblems(req), ...users.registrationProblems(values)]
    const role = values.role
    if (problems.length === 0 && isRole(role)) {
      const result = await users.register({ ...values, role, preferredLanguage: req.lang })
      if (typeof result !== 'string') {
        await startSession(reply, result.id)
        return redirect(reply, '/profile', 'registered')
      }
      problems = [{ field: result === 'weak_password' ? 'password' : result === 'too_long' ? 'displayName' : 'username', code: result }]
    }
    // Everything typed comes back but the password (never echoed into a page).
    return page(req, reply, { title: 'register.title', titleSlug: 'register.title', status: 422 }, (ctx) => (
      <RegisterForm ctx={ctx} problems={problems} values={{ ...values, password: '' }} />
    ))
  })


  app.get<{ Querystring: { next?: string } }>('/login', (req, reply) =>
    page(req, reply, { title: 'login.title', titleSlug: 'login.title' }, (ctx) => (
      <LoginForm ctx={ctx} next={safeLocalPath(req.query.next, '/dashboard')} />
    ))
  )

  app.post(
    '/login',
    { config: { rateLimit: { max: deps.loginRateLimit, timeWindow: '1 minute' }, showsFormAgain: true, keepsPublicPages: true } },
    async (req, reply) => {
      const b = body(req)
      const missing = [...inputProblems(req), ...(['username', 'password'] as const).filter((f) => !str(b, f).trim()).map((field) => ({ field, code: 'required' }))]
      const result = missing.length ? 'invalid_input' : await users.authenticate(str(b, 'username').slice(0, 200), str(b, 'password').slice(0, 400))
      if (typeof result === 'string') {
        const problems = missing.length ? missing : [{ code: result }]
        return page(req, reply, { title: 'login.title', titleSlug: 'login.title', status: missing.length ? 422 : 401 }, (ctx) => (
          <LoginForm ctx={ctx} problems={problems} username={str(b, 'username').slice(0, 200)} next={safeLocalPath(str(b, 'next'), '/dashboard')} />
        ))
      }
      await startSession(reply, result.id)
      return redirect(reply, safeLocalPath(str(b, 'next'), '/dashboard'))
    }
  )

  app.post('/logout', { config: { keepsPublicPages: true } }, async (req, reply) => {
    await sessions.destroy(req.cookies[SESSION_COOKIE])
    reply.clearCookie(SESSION_COOKIE, { path: '/' })
    reply.clearCookie(CSRF_COOKIE, { path: '/' })
    // No page of this person stays on a shared phone: the browser empties its caches (the service worker's
    // stored pages too), and the next page's empty cache key tells a worker to drop them. Not "storage": it
    // would also empty IndexedDB, where her recordings wait to be sent (public/outbox.js keeps them per
    // person, hidden from anyone else, until she logs in again) — a person never loses what she recorded.
    reply.header('clear-site-data', '"cache"')
    return redirect(reply, '/', 'logged_out')
  })

  /**
   * Language switch: a POST that only ever redirects to a local path. Its form carries a CSRF token for a
   * signed-in person; without a session the browser's headers prove it came from our page (fromOwnPage).
   */
  const ownPageOrToken = (req: FastifyRequest, reply: FastifyReply, done: (err?: Error) => void) => (fromOwnPage(req, deps.baseUrl()) ? done() : app.csrfProtection(req, reply, done))
  app.post('/language', { config: { skipCsrf: true, keepsPublicPages: true }, preHandler: ownPageOrToken }, async (req, reply) => {
    const b = body(req)
    const lang = str(b, 'lang')
    if (isUiLanguage(lang)) {
      reply.setCookie('lang', lang, { path: '/', sameSite: 'lax', secure: deps.secureCookies, maxAge: 365 * 86400 })
      if (req.user) await users.setLanguage(req.user.id, lang)
    }
    return redirect(reply, safeLocalPath(str(b, 'next')))
  })

  app.get('/profile', async (req, reply) => {
    const user = requireUser(req, reply)
    if (!user) return reply
    const extra = await profileExtra(user)
    return page(req, reply, { title: 'profile.title', titleSlug: 'profile.title' }, (ctx) => (
      <>
        {extra(ctx)}
        <ProfileForm ctx={ctx} user={user} />
      </>
    ))
  })

  app.post('/profile', { config: { showsFormAgain: true } }, async (req, reply) => {
    const user = requireUser(req, reply)
    if (!user) return reply
    const b = body(req)
    const kept = await keepUploads(media, {
      owner: user,
      purpose: 'profile',
      body: b,
      fields: (['audio', 'video', 'image'] as const satisfies readonly MediaKind[]).map((kind) => ({ name: kind, kind }))
    })
    const uploaded: Partial<Record<'audio' | 'video' | 'image', string>> = kept.ids
    const roles = list(b, 'roles')
    const texts = { displayName: str(b, 'displayName'), walletAddress: str(b, 'walletAddress'), note: str(b, 'note'), defaultAmount: str(b, 'defaultAmount') }
    const email = str(b, 'email').slice(0, 300)
    const timeZone = str(b, 'timeZone')
    const prefLang = str(b, 'preferredLanguage')
    const defaultLanguage = str(b, 'defaultLanguage')
    const maxResponses = Number.parseInt(str(b, 'defaultMaxResponses'), 10)
    const problems = [...inputProblems(req), ...kept.problems, ...users.profileProblems(texts)]
    // What was typed, shown again on a refusal (never the saved values over it).
    const typed: User = {
      ...user,
      displayName: texts.displayName,
      walletAddress: texts.walletAddress,
      note: texts.note,
      email,
      isFunder: roles.includes('funder'),
      isCreator: roles.includes('creator'),
      ...(isTimeZone(timeZone) ? { timeZone } : {}),
      jobDefaults: { ...user.jobDefaults, amount: texts.defaultAmount }
    }
    const extra = await profileExtra(user)
    const refuse = (all: Problem[]) =>
      refusedForm(req, reply, { title: 'profile.title', problems: all }, (ctx) => (
        <>
          {extra(ctx)}
          <ProfileForm ctx={ctx} user={typed} problems={all} kept={kept.ids} />
        </>
      ))
    if (problems.length > 0) return refuse(problems)
    const result = await users.updateProfile(user, {
      displayName: texts.displayName,
      walletAddress: texts.walletAddress,
      email,
      preferredLanguage: isUiLanguage(prefLang) ? prefLang : user.preferredLanguage,
      nativeLanguages: list(b, 'nativeLanguages').filter((l): l is Language => (LANGUAGES as readonly string[]).includes(l)),
      note: texts.note,
      ...(isTimeZone(timeZone) ? { timeZone } : {}),
      isFunder: roles.includes('funder'),
      isCreator: roles.includes('creator'),
      // The defaults are a funder's section: someone who does not see it keeps what was saved.
      jobDefaults: !user.isFunder
        ? user.jobDefaults
        : {
        ...((LANGUAGES as readonly string[]).includes(defaultLanguage) ? { language: defaultLanguage as Language } : {}),
        deliverableTypes: list(b, 'defaultDeliverables').filter((d): d is DeliverableType => (DELIVERABLE_TYPES as readonly string[]).includes(d)),
        ...(texts.defaultAmount ? { amount: texts.defaultAmount } : {}),
        ...(maxResponses > 0 ? { maxResponses } : {})
      },
      profileAudioId: uploaded.audio,
      profileVideoId: uploaded.video,
      profileImageId: uploaded.image
    })
    if (typeof result === 'string') return refuse([{ field: result === 'invalid_email' ? 'email' : 'walletAddress', code: result }])
    if (isUiLanguage(prefLang)) reply.setCookie('lang', prefLang, { path: '/', sameSite: 'lax', secure: deps.secureCookies, maxAge: 365 * 86400 })
    return redirect(reply, '/profile', 'saved')
  })
}
