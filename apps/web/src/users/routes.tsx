import type { FastifyInstance, FastifyReply } from 'fastify'
import { z } from 'zod'
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
import type { User } from '../domain/user.ts'
import type { ViewCtx } from '../views/context.ts'

/** The cookie @fastify/csrf-protection keeps the CSRF secret in (app.ts). */
const CSRF_COOKIE = '_csrf'
const errorPage = errorPages({ ...commonErrorStatus, ...mediaErrorStatus })

const registerSchema = z.object({
  username: z.string().max(64),
  displayName: z.string().max(100),
  password: z.string().max(200),
  role: z.enum(['funder', 'creator', 'both'])
})

export function userRoutes(
  app: FastifyInstance,
  deps: {
    users: UserService
    sessions: SessionService
    media: MediaService
    secureCookies: boolean
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

  app.post('/register', async (req, reply) => {
    const b = body(req)
    const values = { username: str(b, 'username'), displayName: str(b, 'displayName'), password: str(b, 'password'), role: str(b, 'role') || 'creator' }
    const parsed = registerSchema.safeParse(values)
    const result = parsed.success ? await users.register({ ...parsed.data, preferredLanguage: req.lang }) : 'invalid_input'
    if (typeof result === 'string') {
      return page(req, reply, { title: 'register.title', titleSlug: 'register.title', status: 422 }, (ctx) => (
        <RegisterForm ctx={ctx} error={ctx.t(`errors.${result}`)} values={{ ...values, password: '' }} />
      ))
    }
    await startSession(reply, result.id)
    return redirect(reply, '/profile', 'registered')
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
      const result = await users.authenticate(str(b, 'username'), str(b, 'password'))
      if (typeof result === 'string') {
        return page(req, reply, { title: 'login.title', titleSlug: 'login.title', status: 401 }, (ctx) => (
          <LoginForm ctx={ctx} error={ctx.t(`errors.${result}`)} username={str(b, 'username')} next={safeLocalPath(str(b, 'next'), '/dashboard')} />
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
    const extra = await profileExtra(user)
    return page(req, reply, { title: 'profile.title', titleSlug: 'profile.title' }, (ctx) => (
      <>
        {extra(ctx)}
        <ProfileForm ctx={ctx} user={user} />
      </>
    ))
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
      walletAddress: str(b, 'walletAddress').slice(0, 2048),
      email: str(b, 'email').slice(0, 300),
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
      const extra = await profileExtra(user)
      return page(req, reply, { title: 'profile.title', titleSlug: 'profile.title', status: 422 }, (ctx) => (
        <>
          {extra(ctx)}
          <ProfileForm
            ctx={ctx}
            user={{ ...user, email: str(b, 'email').slice(0, 300) }}
            {...(result === 'invalid_email' ? { emailError: ctx.t(`errors.${result}`) } : { walletError: ctx.t(`errors.${result}`) })}
            error={ctx.t(`errors.${result}`)}
            walletTyped={str(b, 'walletAddress').slice(0, 2048)}
          />
        </>
      ))
    }
    if (isUiLanguage(prefLang)) reply.setCookie('lang', prefLang, { path: '/', sameSite: 'lax', secure: deps.secureCookies, maxAge: 365 * 86400 })
    return redirect(reply, '/profile', 'saved')
  })
}
