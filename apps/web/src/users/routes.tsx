import type { FastifyInstance, FastifyReply } from 'fastify'
import type { UserService } from './service.ts'
import { LANGUAGES, type Language } from '../domain/languages.ts'
import type { SessionService } from '../sessions/service.ts'
import { SESSION_COOKIE } from '../sessions/service.ts'
import type { MediaService } from '../media/service.ts'
import { isUiLanguage } from '../domain/languages.ts'
import { errorPages, page, redirect } from '../http/render.tsx'
import { safeLocalPath } from '../http/context.ts'
import { body, file, list, str } from '../http/form.ts'
import { commonErrorStatus } from '../http/errors.ts'
import { mediaErrorStatus } from '../media/errors.ts'
import { requireUser } from '../http/guards.ts'
import { LoginForm, RegisterForm } from './views/auth.tsx'
import { ProfileForm } from './views/profile.tsx'
import { DELIVERABLE_TYPES, type DeliverableType } from '../domain/deliverables.ts'
import type { MediaKind } from '../domain/deliverables.ts'

/** The cookie @fastify/csrf-protection keeps the CSRF secret in (app.ts). */
const CSRF_COOKIE = '_csrf'
const errorPage = errorPages({ ...commonErrorStatus, ...mediaErrorStatus })

const ROLES = ['funder', 'creator', 'both'] as const
const isRole = (r: string): r is (typeof ROLES)[number] => (ROLES as readonly string[]).includes(r)

export function userRoutes(
  app: FastifyInstance,
  deps: { users: UserService; sessions: SessionService; media: MediaService; secureCookies: boolean; loginRateLimit: number }
): void {
  const { users, sessions, media } = deps

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

  app.post('/register', async (req, reply) => {
    const b = body(req)
    const values = { username: str(b, 'username'), displayName: str(b, 'displayName'), password: str(b, 'password'), role: str(b, 'role') || 'creator' }
    let problems = users.registrationProblems(values)
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
    { config: { rateLimit: { max: deps.loginRateLimit, timeWindow: '1 minute' } } },
    async (req, reply) => {
      const b = body(req)
      const missing = (['username', 'password'] as const).filter((f) => !str(b, f).trim()).map((field) => ({ field, code: 'required' }))
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

  app.post('/logout', async (req, reply) => {
    await sessions.destroy(req.cookies[SESSION_COOKIE])
    reply.clearCookie(SESSION_COOKIE, { path: '/' })
    reply.clearCookie(CSRF_COOKIE, { path: '/' })
    return redirect(reply, '/', 'logged_out')
  })

  /** Language switch: a POST that only ever redirects to a local path. */
  app.post('/language', async (req, reply) => {
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
    return page(req, reply, { title: 'profile.title', titleSlug: 'profile.title' }, (ctx) => <ProfileForm ctx={ctx} user={user} />)
  })

  app.post('/profile', async (req, reply) => {
    const user = requireUser(req, reply)
    if (!user) return reply
    const b = body(req)
    const uploaded: Partial<Record<'audio' | 'video' | 'image', string>> = {}
    for (const kind of ['audio', 'video', 'image'] as const satisfies readonly MediaKind[]) {
      const bytes = file(b, kind)
      if (!bytes) continue
      const stored = await media.store({ owner: user, purpose: 'profile', kind, bytes })
      if (typeof stored === 'string') {
        await media.remove(Object.values(uploaded))
        return errorPage(req, reply, stored)
      }
      uploaded[kind] = stored.id
    }
    const roles = list(b, 'roles')
    const prefLang = str(b, 'preferredLanguage')
    const defaultLanguage = str(b, 'defaultLanguage')
    const maxResponses = Number.parseInt(str(b, 'defaultMaxResponses'), 10)
    const result = await users.updateProfile(user, {
      displayName: str(b, 'displayName').slice(0, 100),
      walletAddress: str(b, 'walletAddress').slice(0, 500),
      preferredLanguage: isUiLanguage(prefLang) ? prefLang : user.preferredLanguage,
      nativeLanguages: list(b, 'nativeLanguages').filter((l): l is Language => (LANGUAGES as readonly string[]).includes(l)),
      note: str(b, 'note').slice(0, 2000),
      isFunder: roles.includes('funder'),
      isCreator: roles.includes('creator'),
      jobDefaults: {
        ...((LANGUAGES as readonly string[]).includes(defaultLanguage) ? { language: defaultLanguage as Language } : {}),
        deliverableTypes: list(b, 'defaultDeliverables').filter((d): d is DeliverableType => (DELIVERABLE_TYPES as readonly string[]).includes(d)),
        ...(str(b, 'defaultAmount') ? { amount: str(b, 'defaultAmount').slice(0, 30) } : {}),
        ...(maxResponses > 0 ? { maxResponses } : {})
      },
      profileAudioId: uploaded.audio,
      profileVideoId: uploaded.video,
      profileImageId: uploaded.image
    })
    if (typeof result === 'string') {
      await media.remove(Object.values(uploaded))
      return page(req, reply, { title: 'profile.title', titleSlug: 'profile.title', status: 422 }, (ctx) => (
        <ProfileForm ctx={ctx} user={user} walletError={ctx.t(`errors.${result}`)} error={ctx.t(`errors.${result}`)} />
      ))
    }
    if (isUiLanguage(prefLang)) reply.setCookie('lang', prefLang, { path: '/', sameSite: 'lax', secure: deps.secureCookies, maxAge: 365 * 86400 })
    return redirect(reply, '/profile', 'saved')
  })
}
