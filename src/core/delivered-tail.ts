/**
 * The delivered events an outbox keeps for a reconnect (OUTBOX_REPLAY), as UTF-8 bytes in one
 * buffer per outbox, off the JS heap.
 *
 * Why not the entries themselves: kept ~32 events long, they outlived two scavenges each and
 * were promoted, and V8 then allocated every entry straight in the old generation (allocation-site
 * pretenuring), so every event of every connected agent waited there for a full collection
 * (BENCHMARKS.md, Performance, third step). Copied here once delivered, the event's string dies
 * young (with V8_PRETENURING=off); a reconnect, which is rare, decodes the bytes again.
 *
 * The buffer is a ring of variable-length records in sequence order, holding the last `keep`
 * events at most; it doubles (the records packed again) when the newest event does not fit
 * beside the ones still kept, and halves again once it holds less than a quarter of itself.
 */
export interface TailEntry {
  readonly seq: number
  readonly name: string
  readonly json: string
}

/** A tail's first buffer: room for `keep` events of ~500 bytes, at most 16 KB (it grows if need be). */
const BYTES_PER_EVENT = 512
const MAX_FIRST_BYTES = 16384

export class DeliveredTail {
  readonly #keep: number
  #bytes: Buffer | undefined
  /** Each kept event's byte offset and length, at 2 × (seq % keep) and the next index. */
  #spans: Int32Array | undefined
  #names: string[] | undefined
  /** The oldest and newest seq held; first > last when empty. */
  #first = 1
  #last = 0
  /** Where the next event's bytes go. */
  #write = 0
  /** Bytes of the events held. */
  #held = 0

  constructor (keep: number) {
    this.#keep = keep
  }

  /** The oldest seq held (last + 1 when empty). */
  get first (): number {
    return this.#first
  }

  /** The newest seq held (first - 1 when empty). */
  get last (): number {
    return this.#last
  }

  /** Bytes of buffer this tail holds (for the benches). */
  get capacity (): number {
    return this.#bytes?.length ?? 0
  }

  /**
   * Keeps a delivered event: the next after the newest held (else the tail starts again from it),
   * dropping the oldest beyond `keep`.
   */
  push (seq: number, name: string, json: string): void {
    if (this.#keep === 0) return
    if (seq !== this.#last + 1 || this.#first > this.#last) this.#reset(seq)
    else if (this.#last - this.#first + 1 === this.#keep) {
      // The oldest goes (its slot is the new one's).
      this.#held -= (this.#spans as Int32Array)[2 * (this.#first % this.#keep) + 1] as number
      this.#first++
    }
    const length = Buffer.byteLength(json)
    const at = this.#room(length)
    ;(this.#bytes as Buffer).write(json, at, 'utf8')
    const slot = seq % this.#keep
    const spans = this.#spans as Int32Array
    spans[2 * slot] = at
    spans[2 * slot + 1] = length
    ;(this.#names as string[])[slot] = name
    this.#last = seq
    this.#write = at + length
    this.#held += length
  }

  /** The event `seq`, decoded, if it is held. */
  get (seq: number): TailEntry | undefined {
    if (seq < this.#first || seq > this.#last) return undefined
    const slot = seq % this.#keep
    const spans = this.#spans as Int32Array
    const start = spans[2 * slot] as number
    const json = (this.#bytes as Buffer).toString('utf8', start, start + (spans[2 * slot + 1] as number))
    return { seq, name: (this.#names as string[])[slot] as string, json }
  }

  /** Forgets the events up to `seq`. */
  dropThrough (seq: number): void {
    if (seq < this.#first) return
    if (seq >= this.#last) {
      this.#reset(this.#last + 1)
      return
    }
    const names = this.#names as string[]
    const spans = this.#spans as Int32Array
    for (let s = this.#first; s <= seq; s++) {
      names[s % this.#keep] = ''
      this.#held -= spans[2 * (s % this.#keep) + 1] as number
    }
    this.#first = seq + 1
  }

  #reset (next: number): void {
    this.#first = next
    this.#last = next - 1
    this.#write = 0
    this.#held = 0
    this.#names?.fill('')
  }

  /**
   * Where `length` bytes can go without overwriting a held event (the oldest one being dropped
   * already): after the newest, or from the start when the end is too near; else in a bigger
   * buffer, the held events packed at its start. A buffer grown for large events that now holds
   * less than a quarter of it is halved (down to twice what it holds), the same way.
   */
  #room (length: number): number {
    if (this.#bytes === undefined) {
      this.#bytes = Buffer.allocUnsafeSlow(Math.max(Math.min(MAX_FIRST_BYTES, this.#keep * BYTES_PER_EVENT), length))
      this.#spans = new Int32Array(2 * this.#keep)
      this.#names = new Array<string>(this.#keep).fill('')
      return 0
    }
    const capacity = this.#bytes.length
    const needed = this.#held + length
    if (capacity > MAX_FIRST_BYTES && needed * 4 <= capacity) {
      let smaller = capacity
      while (smaller / 2 >= Math.max(MAX_FIRST_BYTES, 2 * needed)) smaller /= 2
      return this.#repack(Math.floor(smaller))
    }
    const write = this.#write
    if (this.#first > this.#last) {
      // Nothing held before this event.
      if (length <= capacity) return 0
    } else {
      const oldest = (this.#spans as Int32Array)[2 * (this.#first % this.#keep)] as number
      if (oldest < write) {
        // Held: [oldest, write). Free: [write, capacity) and [0, oldest).
        if (write + length <= capacity) return write
        if (length <= oldest) return 0
      } else if (write + length <= oldest) {
        // Held: [oldest, capacity) and [0, write). Free: [write, oldest).
        return write
      }
    }
    let bigger = capacity * 2
    while (bigger < needed) bigger *= 2
    return this.#repack(bigger)
  }

  /** A buffer of `capacity` bytes with the held events packed at its start; where the next goes. */
  #repack (capacity: number): number {
    const old = this.#bytes as Buffer
    const spans = this.#spans as Int32Array
    const bytes = Buffer.allocUnsafeSlow(capacity)
    let at = 0
    for (let s = this.#first; s <= this.#last; s++) {
      const slot = s % this.#keep
      const start = spans[2 * slot] as number
      const size = spans[2 * slot + 1] as number
      old.copy(bytes, at, start, start + size)
      spans[2 * slot] = at
      at += size
    }
    this.#bytes = bytes
    return at
  }
}
