import type { Logger } from '@voces/platform'

/**
 * Runs background tasks every `intervalMs`, one round at a time (a slow round delays the next instead
 * of overlapping it). Work is claimed in the database with SKIP LOCKED, so several app processes may
 * run schedulers side by side.
 */
export function createScheduler(deps: { intervalMs: number; logger: Logger; tasks: Record<string, () => Promise<unknown>> }) {
  let timer: NodeJS.Timeout | undefined
  let running: Promise<void> | undefined
  let stopped = true

  async function round(): Promise<void> {
    for (const [name, task] of Object.entries(deps.tasks)) {
      try {
        await task()
      } catch (error) {
        deps.logger.error({ err: error, task: name }, 'scheduled task failed')
      }
    }
  }

  function schedule(): void {
    if (stopped) return
    timer = setTimeout(() => {
      running = round().finally(schedule)
    }, deps.intervalMs)
    timer.unref()
  }

  return {
    start(): void {
      if (!stopped) return
      stopped = false
      schedule()
    },
    async stop(): Promise<void> {
      stopped = true
      if (timer) clearTimeout(timer)
      await running
    },
    /** One round now (tests). */
    runOnce: round
  }
}
