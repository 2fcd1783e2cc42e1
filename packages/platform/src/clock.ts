/**
 * Where services read the time. Production uses the system clock; tests pass a clock they move by
 * hand, so that expiry, deadlines and `wait` windows are tested without sleeping.
 */
export interface Clock {
  now(): Date
}

export const systemClock: Clock = { now: () => new Date() }

export interface TestClock extends Clock {
  /** Moves time forward by `ms` (the clock otherwise follows real time from where it was set). */
  advance(ms: number): void
  /** Puts the clock at a fixed offset from real time. */
  set(date: Date): void
}

/**
 * A clock that runs with real time plus an offset: tests advance it past a deadline instead of
 * waiting for it, while short waits (settlement, polling) still pass as usual.
 */
export function createTestClock(): TestClock {
  let offsetMs = 0
  return {
    now: () => new Date(Date.now() + offsetMs),
    advance(ms) {
      offsetMs += ms
    },
    set(date) {
      offsetMs = date.getTime() - Date.now()
    }
  }
}
