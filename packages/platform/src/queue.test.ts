import { afterEach, describe, expect, it, vi } from 'vitest'
import { createLogger } from './logger.ts'
import { createPoller } from './queue.ts'

afterEach(() => {
  vi.useRealTimers()
})

describe('createPoller on shutdown', () => {
  it('stop() waits for the round in hand, and no round starts after it', async () => {
    vi.useFakeTimers()
    let rounds = 0
    let finish: (found: number) => void = () => undefined
    const poller = createPoller({
      name: 'test',
      intervalMs: 100,
      logger: createLogger({ level: 'silent' }),
      round: () => {
        rounds++
        return new Promise<number>((resolve) => (finish = resolve))
      }
    })
    poller.start()
    await vi.advanceTimersByTimeAsync(0)
    expect(rounds).toBe(1)
    let stopped = false
    const stopping = poller.stop().then(() => (stopped = true))
    poller.wake()
    await vi.advanceTimersByTimeAsync(1000)
    // The round's leases end with the round: stop() does not return while it is still working.
    expect(stopped).toBe(false)
    // A round that found work would be followed by another at once; after stop() none is.
    finish(1)
    await stopping
    expect(stopped).toBe(true)
    await vi.advanceTimersByTimeAsync(10_000)
    expect(rounds).toBe(1)
  })
})
