import { fileURLToPath } from 'node:url'
import { dirname, join } from 'node:path'
import { mkdir } from 'node:fs/promises'
import type { FastifyInstance } from 'fastify'
import { createServices, type WebDeps, type WebServices } from './services.ts'
import { createServer } from './server.ts'
import { registerRoutes } from './routes.ts'

export type { WebDeps, WebServices } from './services.ts'

export const MIGRATIONS_FOLDER = join(dirname(fileURLToPath(import.meta.url)), '..', 'drizzle')

export interface WebApp {
  app: FastifyInstance
  services: WebServices
  /** Listens on config.host:config.port (0 = any free port) and starts the scheduler; returns the base URL. */
  start(): Promise<string>
  stop(): Promise<void>
}

/**
 * The composition root: migrations, every service from explicit dependencies (services.ts), the Fastify
 * instance with its plugins and hooks (server.ts), then every route (routes.ts).
 */
export async function buildWebApp(deps: WebDeps): Promise<WebApp> {
  const { config, database, logger } = deps
  await database.migrate({ migrationsFolder: MIGRATIONS_FOLDER, schema: 'web' })
  if (config.media.store === 'local') await mkdir(config.uploadDir, { recursive: true })
  const services = createServices(deps)
  const app = await createServer(config, logger, services)
  await registerRoutes(app, deps, services)

  let started = false
  return {
    app,
    services,
    async start() {
      const address = await app.listen({ host: config.host, port: config.port })
      started = true
      if (config.schedulerEnabled) {
        services.scheduler.start()
        services.emails?.start()
      }
      return address.replace('[::1]', 'localhost').replace('127.0.0.1', 'localhost')
    },
    async stop() {
      await services.scheduler.stop()
      await services.emails?.stop()
      if (started || !app.server.listening) await app.close()
      await services.store.close()
    }
  }
}
