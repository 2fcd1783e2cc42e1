import type { FastifyInstance } from 'fastify'
import { page } from '../http/render.tsx'
import { HomeGrid } from './views/home.tsx'

export function dashboardRoutes(app: FastifyInstance, _deps: Record<string, never>): void {
  app.get('/', (req, reply) => page(req, reply, { title: 'home.title', titleSlug: 'home.title' }, (ctx) => <HomeGrid ctx={ctx} />))
}
