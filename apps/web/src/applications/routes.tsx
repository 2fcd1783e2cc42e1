import type { FastifyInstance } from 'fastify'
import type { ApplicationService } from './service.ts'
import { APPLICATION_STATES, type ApplicationState } from './model.ts'
import { errorPages, redirect } from '../http/render.tsx'
import { commonErrorStatus } from '../http/errors.ts'
import { mediaErrorStatus } from '../media/errors.ts'
import { jobErrorStatus } from '../jobs/errors.ts'
import { applicationErrorStatus } from './errors.ts'
import { body, file, str, upload } from '../http/form.ts'
import { requireUser } from '../http/guards.ts'

const errorPage = errorPages({ ...commonErrorStatus, ...mediaErrorStatus, ...jobErrorStatus, ...applicationErrorStatus })

export function applicationRoutes(app: FastifyInstance, deps: { applications: ApplicationService }): void {
  app.post<{ Params: { id: string } }>('/jobs/:id/apply', async (req, reply) => {
    const user = requireUser(req, reply)
    if (!user) return reply
    const b = body(req)
    const result = await deps.applications.apply(user, req.params.id, {
      note: str(b, 'note'),
      audio: file(b, 'audio') ?? upload(b, 'audio'),
      video: file(b, 'video') ?? upload(b, 'video'),
      image: file(b, 'image') ?? upload(b, 'image')
    })
    if (typeof result === 'string') return errorPage(req, reply, result)
    return redirect(reply, `/jobs/${req.params.id}`, 'applied')
  })

  app.post<{ Params: { id: string } }>('/applications/:id/withdraw', async (req, reply) => {
    const user = requireUser(req, reply)
    if (!user) return reply
    const result = await deps.applications.withdraw(user, req.params.id)
    if (typeof result === 'string') return errorPage(req, reply, result)
    return redirect(reply, `/jobs/${result.job.id}`, 'withdrawn')
  })

  app.post<{ Params: { id: string } }>('/applications/:id/decide', async (req, reply) => {
    const user = requireUser(req, reply)
    if (!user) return reply
    const state = str(body(req), 'state')
    if (!(APPLICATION_STATES as readonly string[]).includes(state)) return errorPage(req, reply, 'invalid_input')
    const result = await deps.applications.decide(user, req.params.id, state as ApplicationState)
    if (typeof result === 'string') return errorPage(req, reply, result)
    return redirect(reply, `/jobs/${result.job.id}`, 'selected')
  })
}
