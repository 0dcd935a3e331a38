import type { Clock, TimerHandle } from '../core/clock.js'

/**
 * Whether a peer is still there: every `intervalMs` (on the instance clock, so tests drive it)
 * it pings, and a peer that has not shown a sign of life since the previous ping (a pong or any
 * message) is dead. So a dead peer is found within two intervals.
 */
export class Liveness {
  readonly #clock: Clock
  readonly #intervalMs: number
  readonly #ping: () => void
  readonly #dead: () => void
  #alive = true
  #timer: TimerHandle | undefined

  constructor (clock: Clock, intervalMs: number, ping: () => void, dead: () => void) {
    this.#clock = clock
    this.#intervalMs = intervalMs
    this.#ping = ping
    this.#dead = dead
    this.#arm()
  }

  /** The peer showed a sign of life. */
  seen (): void {
    this.#alive = true
  }

  #arm (): void {
    this.#timer = this.#clock.setTimer(this.#intervalMs, () => {
      this.#timer = undefined
      if (!this.#alive) {
        this.#dead()
        return
      }
      this.#alive = false
      this.#ping()
      this.#arm()
    })
  }

  stop (): void {
    this.#clock.clear(this.#timer)
    this.#timer = undefined
  }
}
