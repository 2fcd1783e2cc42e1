import type { FastifyReply, FastifyRequest } from 'fastify'
import { safeLocalPath, viewCtx } from './context.ts'
import type { ViewCtx } from '../views/context.ts'
import { Layout } from '../views/layout.tsx'
import { commonErrorStatus, type ErrorStatus } from './errors.ts'
import { LinkButton } from '../views/form.tsx'
import { Speak } from '../views/speak.tsx'
import { refusedStatus, type Problem } from '../domain/problems.ts'

/**
 * Renders a full page in the layout. `body` receives the view context (translator, user, CSRF token,
 * recordings); the page is built in one synchronous pass, so its speaker buttons' recordings are
 * looked up together when the markup is awaited (views/speak.tsx).
 */
export async function page(
  req: FastifyRequest,
  reply: FastifyReply,
  options: { title: string; titleSlug: string; status?: number; rawTitle?: boolean },
  body: (ctx: ViewCtx) => JSX.Element
): Promise<FastifyReply> {
  const ctx = viewCtx(req, reply)
  const notice = typeof (req.query as Record<string, unknown> | undefined)?.ok === 'string' ? (req.query as { ok: string }).ok : undefined
  const content = body(ctx)
  const html = await (
    <Layout ctx={ctx} title={options.rawTitle ? options.title : ctx.t(options.title)} titleSlug={options.titleSlug} notice={notice}>
      {content}
    </Layout>
  )
  return reply
    .status(options.status ?? 200)
    .header('cache-control', 'no-store')
    .type('text/html; charset=utf-8')
    .send(html)
}

/**
 * A refused form again, with what was typed, the files kept and every problem: its status says why
 * (415 a file's type, 413 a file's size, else 422); `back` adds a link back to what the form belongs to.
 */
export function refusedForm(
  req: FastifyRequest,
  reply: FastifyReply,
  options: { title: string; titleSlug?: string; problems: readonly Problem[]; back?: string },
  form: (ctx: ViewCtx) => JSX.Element
): Promise<FastifyReply> {
  const { back } = options
  return page(req, reply, { title: options.title, titleSlug: options.titleSlug ?? options.title, status: refusedStatus(options.problems) }, (ctx) => (
    <>
      {back ? (
        <p>
          <LinkButton ctx={ctx} href={back} slug="forms.back" text={ctx.t('forms.back')} />
        </p>
      ) : (
        ''
      )}
      {form(ctx)}
    </>
  ))
}

/**
 * The error page for the failures in `statusOf` (a feature's routes pass the maps of what they may
 * answer): one shape for every expected failure, in the user's language, with the failure's status.
 */
export function errorPages<E extends string>(statusOf: ErrorStatus<E>) {
  return (req: FastifyRequest, reply: FastifyReply, error: E, back?: string): Promise<FastifyReply> => {
    const to = backPath(req, back)
    return page(req, reply, { title: 'errors.title', titleSlug: 'errors.title', status: statusOf[error] }, (ctx) => (
      <>
        <p class="alert error" role="alert" data-error={error}>
          <Speak slug={`errors.${error}`} text={ctx.t(`errors.${error}`)} ctx={ctx} />
        </p>
        <p class="row">
          {to ? <LinkButton ctx={ctx} href={to} slug="forms.back" text={ctx.t('forms.back')} kind="primary" /> : ''}
          <LinkButton ctx={ctx} href="/" slug="nav.home" text={ctx.t('nav.home')} />
        </p>
      </>
    ))
  }
}

/**
 * No dead ends: the way back to what the person was doing. The route may say where (the job a form
 * belongs to); otherwise the page they came from (a local path only), or for a GET the page itself
 * is not it, so nothing. Home is always offered beside it.
 */
function backPath(req: FastifyRequest, back: string | undefined): string | undefined {
  if (back) return safeLocalPath(back)
  const referer = req.headers.referer
  if (typeof referer !== 'string') return undefined
  try {
    const url = new URL(referer)
    if (url.host !== req.headers.host) return undefined
    const path = safeLocalPath(url.pathname + url.search, '')
    return path && path !== '/' && (req.method !== 'GET' || path !== req.url) ? path : undefined
  } catch {
    return undefined
  }
}

/** The error page for failures any route may answer (not found, invalid input…). */
export const errorPage = errorPages(commonErrorStatus)

export function redirect(reply: FastifyReply, to: string, notice?: string): FastifyReply {
  return reply.redirect(notice ? noticeUrl(to, notice) : to, 303)
}

/** A page with a notice to show (`?ok=<key>`, views/layout.tsx NOTICES). */
export function noticeUrl(to: string, notice: string): string {
  return `${to}${to.includes('?') ? '&' : '?'}ok=${encodeURIComponent(notice)}`
}
