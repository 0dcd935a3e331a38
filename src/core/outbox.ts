/**
 * A client's outbox: every event addressed to the client gets the next sequence number and is kept
 * in a bounded ring so a reconnecting transport (SSE Last-Event-ID, WS resume) can replay what it
 * missed. Events are serialized once, here, and every transport sends those bytes.
 *
 * Two bounds: at most `capacity` events (OUTBOX_SIZE: the backlog a client away or reading slowly
 * can catch up on), and of those already delivered only the last `keepDelivered` (OUTBOX_REPLAY:
 * what a reconnect can need again, the bytes that were in flight when a connection dropped). An
 * agent whose stream is open therefore holds a short tail, not a full ring (BENCHMARKS.md, Outbox
 * memory). A reader asking for released events gets a gap, and re-reads snapshots (`resync`).
 * Undelivered events are entries in the ring; delivered ones kept for a reconnect are bytes in a
 * DeliveredTail, off the JS heap.
 */
import { DeliveredTail } from './delivered-tail.js'
import { flattened } from './flat.js'

export interface OutboxEntry {
  /** Sequence number: 1, 2, 3 … per client. */
  readonly seq: number
  /** The inner event name (`state.updated`, `serviceList` …), the SSE `event:` field. */
  readonly name: string
  /** The whole envelope as one JSON line, with `eventId` (= seq) added. */
  readonly json: string
}

export type ReadResult =
  | { kind: 'events', entries: OutboxEntry[] }
  /** The events after `after` are no longer held: the reader must re-read snapshots. */
  | { kind: 'gap', oldest: number, latest: number }

type Listener = () => void

/** The fewest slots of a ring, and the most kept when all its events are delivered (more are given back). */
const MIN_RING = 8
const SMALL_RING = 64

/**
 * JSON of immutable values that events carry again and again (a view state's capability list):
 * serialized once, spliced into every envelope that carries them (see ServiceRegistry).
 */
const remembered = new WeakMap<object, string>()

/** Freezes `value` (and its items) and remembers its JSON. */
export function rememberJson<T extends object> (value: T): T {
  if (Array.isArray(value)) for (const item of value) if (item !== null && typeof item === 'object') Object.freeze(item)
  Object.freeze(value)
  remembered.set(value, JSON.stringify(value))
  return value
}

/** The remembered JSON of `value`, if it has one. */
export function rememberedJson (value: unknown): string | undefined {
  return value !== null && typeof value === 'object' ? remembered.get(value) : undefined
}

export class Outbox {
  readonly #capacity: number
  readonly #keepDelivered: number
  /**
   * The undelivered events, at seq & (length - 1): a power of two of slots, as many as they need
   * (from 8), given back when all are delivered; an outbox that never held an event costs nothing.
   */
  #ring: Array<OutboxEntry | undefined> = []
  /** The delivered events kept for a reconnect (made at the first delivery). */
  #tail: DeliveredTail | undefined
  #latest = 0
  #delivered = 0
  /** Entries up to this sequence number were delivered long enough ago to be released. */
  #released = 0
  /** Made at the first subscription (most outboxes have one reader at a time, many none). */
  #listeners: Listener[] | undefined

  constructor (capacity: number, keepDelivered = capacity) {
    this.#capacity = capacity
    this.#keepDelivered = Math.min(keepDelivered, capacity)
  }

  /** The sequence number of the newest event (0 before the first). */
  get latest (): number {
    return this.#latest
  }

  /** The sequence number of the oldest event still held (latest + 1 when empty). */
  get oldest (): number {
    return Math.max(1, this.#latest - this.#capacity + 1, this.#released + 1)
  }

  /** The newest sequence number written to any transport of the client (0 before the first). */
  get delivered (): number {
    return this.#delivered
  }

  /** How many events the outbox holds now. */
  get size (): number {
    return this.#latest - this.oldest + 1
  }

  /**
   * A transport wrote everything up to `seq`. Of the delivered events, only the last
   * `keepDelivered` stay held for a reconnect; the ones before them are released.
   */
  markDelivered (seq: number): void {
    if (seq <= this.#delivered) return
    const from = Math.max(this.#delivered + 1, this.#latest - this.#capacity + 1)
    this.#delivered = Math.min(seq, this.#latest)
    const through = this.#delivered - this.#keepDelivered
    const tail = this.#keepDelivered > 0 ? (this.#tail ??= new DeliveredTail(this.#keepDelivered)) : undefined
    // Out of the ring; the last keepDelivered into the tail.
    const ring = this.#ring
    const mask = ring.length - 1
    for (let s = from; s <= this.#delivered; s++) {
      const entry = ring[s & mask]
      if (entry?.seq !== s) continue
      ring[s & mask] = undefined
      if (s > through) tail?.push(s, entry.name, entry.json)
    }
    // A ring grown for a backlog (an agent away, then back) is given back once it is caught up.
    if (this.#delivered === this.#latest && ring.length > SMALL_RING) this.#ring = []
    if (through <= this.#released) return
    tail?.dropThrough(through)
    this.#released = through
  }

  /**
   * Adds an event. Its envelope is serialized once, here, with `eventId`: the sequence number,
   * so a client on any transport knows what to resume after.
   */
  append (name: string, envelope: object): OutboxEntry {
    return this.appendJson(name, JSON.stringify(envelope))
  }

  /** Adds an event whose envelope is already serialized (a JSON object). */
  appendJson (name: string, body: string): OutboxEntry {
    const seq = this.#latest + 1
    // The envelope's JSON with `"eventId":seq` as its last member.
    // Flattened here, once: concatenation makes a rope (a slice of `body` and three joins, four
    // more objects than the text itself), and the entry may be held for a reconnect long enough
    // to be promoted.
    const json = flattened(body === '{}' ? `{"eventId":${seq}}` : `${body.slice(0, -1)},"eventId":${seq}}`)
    const entry: OutboxEntry = { seq, name, json }
    // Undelivered from `low` on: at most `capacity` of them.
    const low = Math.max(this.#delivered + 1, seq - this.#capacity + 1)
    if (seq - low + 1 > this.#ring.length) this.#grow(seq - low + 1, low)
    const ring = this.#ring
    const mask = ring.length - 1
    const beyond = seq - this.#capacity
    if (beyond >= 1 && ring[beyond & mask]?.seq === beyond) ring[beyond & mask] = undefined
    ring[seq & mask] = entry
    this.#latest = seq
    const listeners = this.#listeners
    if (listeners !== undefined) {
      if (listeners.length === 1) (listeners[0] as Listener)()
      else for (const listener of [...listeners]) listener()
    }
    return entry
  }

  /**
   * Everything after `after` (a sequence number the reader has seen). `after` greater than the
   * newest is treated as a reader from another life of this outbox: it gets a gap.
   */
  read (after: number, limit = Infinity): ReadResult {
    if (after > this.#latest) return { kind: 'gap', oldest: this.oldest, latest: this.#latest }
    if (after < this.oldest - 1) return { kind: 'gap', oldest: this.oldest, latest: this.#latest }
    const entries: OutboxEntry[] = []
    for (let seq = after + 1; seq <= this.#latest && entries.length < limit; seq++) {
      const entry = seq <= this.#delivered ? this.#tail?.get(seq) : this.#ring[seq & (this.#ring.length - 1)]
      if (entry?.seq === seq) entries.push(entry)
    }
    return { kind: 'events', entries }
  }

  /** A ring of at least `needed` slots, holding the undelivered events from `low` on. */
  #grow (needed: number, low: number): void {
    let length = Math.max(MIN_RING, this.#ring.length)
    while (length < needed) length *= 2
    const old = this.#ring
    const ring = new Array<OutboxEntry | undefined>(length).fill(undefined)
    for (let s = low; s <= this.#latest; s++) {
      const entry = old[s & (old.length - 1)]
      if (entry?.seq === s) ring[s & (length - 1)] = entry
    }
    this.#ring = ring
  }

  /** Calls `listener` after every append until the returned function is called. */
  subscribe (listener: Listener): () => void {
    (this.#listeners ??= []).push(listener)
    let subscribed = true
    return () => {
      if (!subscribed) return
      subscribed = false
      const listeners = this.#listeners
      const at = listeners?.indexOf(listener) ?? -1
      if (listeners === undefined || at < 0) return
      listeners.splice(at, 1)
      if (listeners.length === 0) this.#listeners = undefined
    }
  }
}
