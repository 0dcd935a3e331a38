import type { Clock } from './clock.js'

const MINUTE = 60_000

interface Bucket {
  tokens: number
  /** When `tokens` was last brought up to date. */
  at: number
}

/**
 * A per-source budget of messages (WS_MESSAGES_PER_MIN): one token bucket per source, shared by
 * every socket of that source, that holds a minute's budget and refills at that rate. A message
 * takes one token; with none left it is refused (RATE_LIMITED, with when the next token comes).
 * Buckets that are full again are forgotten when the table grows, so it never outgrows the
 * sources that sent something lately.
 */
export class MessageRate {
  readonly #perMinute: number
  readonly #clock: Clock
  readonly #buckets = new Map<string, Bucket>()
  /** The table is swept of full buckets when it grows past this. */
  #sweepAt = 1024

  /** `perMinute` 0: no limit. */
  constructor (perMinute: number, clock: Clock) {
    this.#perMinute = perMinute
    this.#clock = clock
  }

  /** The per-minute budget (0: none). */
  get perMinute (): number {
    return this.#perMinute
  }

  /** Sources tracked now (for tests). */
  get size (): number {
    return this.#buckets.size
  }

  /** Takes a token for one message of `source`: 0 when it may go on, else the ms until a token is there. */
  take (source: string): number {
    if (this.#perMinute === 0) return 0
    const now = this.#clock.now()
    let bucket = this.#buckets.get(source)
    if (bucket === undefined) {
      if (this.#buckets.size >= this.#sweepAt) this.#sweep(now)
      bucket = { tokens: this.#perMinute, at: now }
      this.#buckets.set(source, bucket)
    } else {
      this.#refill(bucket, now)
    }
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1
      return 0
    }
    return Math.max(1, Math.ceil((1 - bucket.tokens) * MINUTE / this.#perMinute))
  }

  #refill (bucket: Bucket, now: number): void {
    const elapsed = now - bucket.at
    if (elapsed <= 0) return
    bucket.tokens = Math.min(this.#perMinute, bucket.tokens + elapsed * this.#perMinute / MINUTE)
    bucket.at = now
  }

  #sweep (now: number): void {
    for (const [source, bucket] of this.#buckets) {
      this.#refill(bucket, now)
      if (bucket.tokens >= this.#perMinute) this.#buckets.delete(source)
    }
    this.#sweepAt = Math.max(1024, this.#buckets.size * 2)
  }
}
