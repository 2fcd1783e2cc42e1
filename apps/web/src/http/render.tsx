import type { FastifyReply, FastifyRequest } from 'fastify'
import { viewCtx, type ViewCtx } from './context.ts'
import { Layout } from '../views/layout.tsx'
import { errorStatus, type AppError } from './errors.ts'
import { LinkButton } from '../views/form.tsx'
import { attachAudio } from '../audio/attach.ts'

/** Renders a full page in the layout. `body` receives the view context (translator, user, CSRF token). */
export async function page(
  req: FastifyRequest,
  reply: FastifyReply,
  options: { title: string; titleSlug: string; status?: number; rawTitle?: boolean },
  body: (ctx: ViewCtx) => JSX.Element
): Promise<FastifyReply> {
  const ctx = viewCtx(req, reply)
  const notice = typeof (req.query as Record<string, unknown> | undefined)?.ok === 'string' ? (req.query as { ok: string }).ok : undefined
  const content = body(ctx)
  const rendered = await (
    <Layout ctx={ctx} title={options.rawTitle ? options.title : ctx.t(options.title)} titleSlug={options.titleSlug} notice={notice}>
      {content}
    </Layout>
  )
  // Every recording the page's speaker buttons need, in one lookup (audio/attach.ts).
  const html = await attachAudio(req, rendered, (l) => ctx.t(`languages.${l}`))
  return reply
    .status(options.status ?? 200)
    .header('cache-control', 'no-store')
    .type('text/html; charset=utf-8')
    .send(html)
}

/** One error page shape for every expected failure, in the user's language. */
export function errorPage(req: FastifyRequest, reply: FastifyReply, error: AppError): Promise<FastifyReply> {
  return page(req, reply, { title: 'errors.title', titleSlug: 'errors.title', status: errorStatus[error] }, (ctx) => (
    <>
      <p class="alert error" role="alert" data-error={error} safe>
        {ctx.t(`errors.${error}`)}
      </p>
      <p>
        <LinkButton t={ctx.t} href="/" slug="nav.home" text={ctx.t('nav.home')} />
      </p>
    </>
  ))
}

export function redirect(reply: FastifyReply, to: string, notice?: string): FastifyReply {
  const url = notice ? `${to}${to.includes('?') ? '&' : '?'}ok=${encodeURIComponent(notice)}` : to
  return reply.redirect(url, 303)
}
