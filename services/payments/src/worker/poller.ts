import type { Logger } from '@voces/platform'

export interface Poller {
  start(): void
  /** Runs a round soon, without waiting for the interval (e.g. after new work was written). */
  wake(): void
  /** Stops polling and waits for the round in progress. */
  stop(): Promise<void>
}

/**
 * A background loop: runs `round` every `intervalMs`, straight again while a round found work,
 * never two rounds of one poller at once. A round that throws is logged and retried next time.
 */
export function createPoller(deps: { name: string; intervalMs: number; logger: Logger; round: () => Promise<number> }): Poller {
  let running = false
  let timer: NodeJS.Timeout | undefined
  let current: Promise<void> | undefined
  let wakeRequested = false

  function schedule(delay: number) {
    if (!running) return
    clearTimeout(timer)
    timer = setTimeout(tick, delay)
  }

  function tick() {
    if (!running || current) {
      wakeRequested = true
      return
    }
    wakeRequested = false
    current = deps
      .round()
      .then((done) => (done > 0 ? 0 : deps.intervalMs))
      .catch((error: unknown) => {
        deps.logger.error({ err: error, worker: deps.name }, 'worker round failed')
        return deps.intervalMs
      })
      .then((delay) => {
        current = undefined
        schedule(wakeRequested ? 0 : delay)
      })
  }

  return {
    start() {
      if (running) return
      running = true
      schedule(0)
    },
    wake() {
      if (running) schedule(0)
    },
    async stop() {
      running = false
      clearTimeout(timer)
      await current
    }
  }
}

/** Exponential backoff with jitter: base·2^attempt, capped, scaled by a random 50–100%. */
export function backoffMs(attempt: number, baseMs: number, maxMs: number): number {
  const raw = Math.min(maxMs, baseMs * 2 ** Math.min(attempt, 30))
  return Math.round(raw * (0.5 + Math.random() / 2))
}
