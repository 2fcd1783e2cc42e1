import type { FastifyInstance } from 'fastify'
import type { NoticeService } from './service.ts'
import { errorPage, page, redirect } from '../http/render.tsx'
import { requireUser } from '../http/guards.ts'
import { keepOffline } from '../http/offline.ts'
import { safeLocalPath } from '../http/context.ts'
import { Inbox } from './views/inbox.tsx'

const MAX_PAGE = 1000

/** The inbox: private to its person (another's notice is a 404), every change a POST with CSRF. */
export function noticeRoutes(app: FastifyInstance, deps: { notices: NoticeService }) {
  app.get('/notices', async (req, reply) => {
    const user = requireUser(req, reply)
    if (!user) return reply
    const raw = Number.parseInt(String((req.query as Record<string, unknown>).page ?? '1'), 10)
    const pageNo = Number.isInteger(raw) && raw >= 1 && raw <= MAX_PAGE ? raw : 1
    const { items, more } = await deps.notices.list(user, pageNo)
    keepOffline(reply)
    return page(req, reply, { title: 'notices.title', titleSlug: 'notices.title' }, (ctx) => <Inbox ctx={ctx} items={items} page={pageNo} more={more} />)
  })

  app.post('/notices/read-all', { config: { keepsPublicPages: true } }, async (req, reply) => {
    const user = requireUser(req, reply)
    if (!user) return reply
    await deps.notices.markAllRead(user)
    return redirect(reply, '/notices', 'notices_read')
  })

  app.post<{ Params: { id: string } }>('/notices/:id/open', { config: { keepsPublicPages: true } }, async (req, reply) => {
    const user = requireUser(req, reply)
    if (!user) return reply
    const notice = await deps.notices.open(user, req.params.id)
    if (notice === 'not_found') return errorPage(req, reply, 'not_found')
    return redirect(reply, safeLocalPath(notice.link, '/notices'))
  })
}
