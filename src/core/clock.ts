/**
 * Time, injected. Everything that waits on the contact center's time (login delays, ring-no-answer,
 * wrap-up) goes through a Clock, so tests drive time with a ManualClock and never sleep.
 */
export interface Clock {
  /** Milliseconds since the epoch (real or simulated). */
  now: () => number
  /** Runs `fn` once after `ms`; returns a handle for `clear`. */
  setTimer: (ms: number, fn: () => void) => TimerHandle
  clear: (handle: TimerHandle | undefined) => void
}

export interface TimerHandle {
  readonly id: number
}

/** Wall-clock time with Node timers; timers are unref'd so they never keep the process alive. */
export class SystemClock implements Clock {
  readonly #timers = new Map<number, NodeJS.Timeout>()
  #next = 1

  now (): number {
    return Date.now()
  }

  setTimer (ms: number, fn: () => void): TimerHandle {
    const id = this.#next++
    const t = setTimeout(() => {
      this.#timers.delete(id)
      fn()
    }, ms)
    t.unref()
    this.#timers.set(id, t)
    return { id }
  }

  clear (handle: TimerHandle | undefined): void {
    if (handle === undefined) return
    const t = this.#timers.get(handle.id)
    if (t !== undefined) {
      clearTimeout(t)
      this.#timers.delete(handle.id)
    }
  }

  /** Cancels every pending timer (used when the server closes). */
  clearAll (): void {
    for (const t of this.#timers.values()) clearTimeout(t)
    this.#timers.clear()
  }
}

interface ManualTimer {
  id: number
  due: number
  fn: () => void
}

/**
 * Simulated time that only moves when told to. Timers fire in due order (ties in the order they
 * were set), each seeing `now()` equal to its due time.
 */
export class ManualClock implements Clock {
  #now: number
  #next = 1
  #timers: ManualTimer[] = []

  constructor (start = Date.UTC(2026, 0, 1, 9, 0, 0)) {
    this.#now = start
  }

  now (): number {
    return this.#now
  }

  setTimer (ms: number, fn: () => void): TimerHandle {
    const timer = { id: this.#next++, due: this.#now + Math.max(0, ms), fn }
    this.#timers.push(timer)
    return { id: timer.id }
  }

  clear (handle: TimerHandle | undefined): void {
    if (handle === undefined) return
    this.#timers = this.#timers.filter(t => t.id !== handle.id)
  }

  clearAll (): void {
    this.#timers = []
  }

  /** How many timers are waiting. */
  get pending (): number {
    return this.#timers.length
  }

  /** Moves time forward by `ms`, firing every timer that falls due on the way. */
  advance (ms: number): void {
    const until = this.#now + Math.max(0, ms)
    for (;;) {
      const next = this.#earliest()
      if (next === undefined || next.due > until) break
      this.#timers = this.#timers.filter(t => t !== next)
      this.#now = next.due
      next.fn()
    }
    this.#now = until
  }

  #earliest (): ManualTimer | undefined {
    let best: ManualTimer | undefined
    for (const t of this.#timers) {
      if (best === undefined || t.due < best.due || (t.due === best.due && t.id < best.id)) best = t
    }
    return best
  }
}

let lastMs = Number.NaN
let lastIso = ''

/**
 * `new Date(ms).toISOString()`, remembering the last answer: the session model stamps every state
 * change, and the events of one step of a call come in the same millisecond (the conversion
 * was ~1 % of the event path's CPU).
 */
export function isoTime (ms: number): string {
  if (ms !== lastMs) {
    lastIso = new Date(ms).toISOString()
    lastMs = ms
  }
  return lastIso
}
