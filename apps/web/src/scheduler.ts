import { createPoller, type Logger } from '@voces/platform'

/**
 * Runs background tasks every `intervalMs`, one round at a time (a slow round delays the next instead
 * of overlapping it), on the house's one poll loop (platform's createPoller). Work is claimed in the
 * database with SKIP LOCKED, so several app processes may run schedulers side by side.
 */
export function createScheduler(deps: { intervalMs: number; logger: Logger; tasks: Record<string, () => Promise<unknown>> }) {
  async function round(): Promise<number> {
    for (const [name, task] of Object.entries(deps.tasks)) {
      try {
        await task()
      } catch (error) {
        deps.logger.error({ err: error, task: name }, 'scheduled task failed')
      }
    }
    // Every round waits the interval: the tasks take what is due and nothing more.
    return 0
  }
  const poller = createPoller({ name: 'web-scheduler', intervalMs: deps.intervalMs, logger: deps.logger, round })

  return {
    start: () => poller.start(),
    stop: () => poller.stop(),
    /** One round now (tests). */
    runOnce: round
  }
}
