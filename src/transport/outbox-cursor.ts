import type { OutboxEntry, Outbox } from '../core/outbox.js'
import { resyncFrame } from './frames.js'

export type CursorRead =
  /** The events after the cursor, oldest first (the cursor moved past them). */
  | { kind: 'events', entries: OutboxEntry[] }
  /** The events after the cursor are gone: send this `resync` (the cursor moved to the newest). */
  | { kind: 'resync', latest: number, frame: string }

/**
 * One transport's place in a client's outbox: it reads what comes after what it last sent, turns
 * a gap into one `resync`, and tells the outbox what was delivered (which releases all but the
 * short tail a reconnect may need). SSE and the WebSocket both send through one.
 */
export class OutboxCursor {
  readonly #outbox: Outbox
  #after: number

  constructor (outbox: Outbox, after: number) {
    this.#outbox = outbox
    this.#after = after
  }

  /** The sequence number of the last event read. */
  get position (): number {
    return this.#after
  }

  /** What to send next: at most `limit` events, or a resync (which counts as delivered at once). */
  read (limit = Infinity): CursorRead {
    const read = this.#outbox.read(this.#after, limit)
    if (read.kind === 'gap') {
      const frame = resyncFrame(this.#after, read.oldest, read.latest)
      this.#after = read.latest
      this.#outbox.markDelivered(read.latest)
      return { kind: 'resync', latest: read.latest, frame }
    }
    const last = read.entries.at(-1)
    if (last !== undefined) this.#after = last.seq
    return { kind: 'events', entries: read.entries }
  }

  /** Everything up to `seq` reached the peer's transport. */
  delivered (seq: number): void {
    this.#outbox.markDelivered(seq)
  }
}

/**
 * Calls `flush` once after each step's appends to `outbox` (a CTI step appends several events in
 * one go: they leave together, one microtask later), until the returned function is called.
 */
export function afterAppends (outbox: Outbox, flush: () => void): () => void {
  let queued = false
  return outbox.subscribe(() => {
    if (queued) return
    queued = true
    queueMicrotask(() => {
      queued = false
      flush()
    })
  })
}
