import type { ClientRecord, CloseReason, Transport, TransportKind } from '../core/client.js'
import type { Presence } from '../core/presence.js'
import type { SourceLimits } from '../core/sources.js'
import { closeWords } from './close-reasons.js'
import { shutdownFrame } from './frames.js'
import { OutboxCursor } from './outbox-cursor.js'

/** How many outbox entries one wake-up hands to the stream at most. */
const BATCH = 256

/** One SSE message as fastify-sse-v2 writes it (`id:`, `event:`, `data:` lines, or a `:` comment). */
export interface SseMessage {
  id?: string
  event?: string
  data?: string
  comment?: string
}

/** What ends a stream: the peer went (`close` on the response), or the server closes it. */
export interface Closable {
  once: (event: 'close', listener: () => void) => unknown
}

type Wake = 'event' | 'timeout' | 'close'

/**
 * Pre-serialized SSE frames as one message. fastify-sse-v2 writes a message's `comment` as
 * `:<comment>\n` and ends the message with a blank line, so a comment of `\n` followed by the
 * frames (without their last blank line) comes out as an empty comment line (`:`, which
 * EventSource ignores) and then exactly the frames. One message per wake-up instead of one per
 * event is what brings the plugin close to a raw writer (BENCHMARKS.md).
 */
function batch (frames: string): SseMessage {
  return { comment: '\n' + frames.slice(0, -2) }
}

/**
 * One open SSE stream of one client (docs/protocol.md, Event stream): it reads the client's
 * outbox from a cursor (Last-Event-ID, or what was last delivered), so the outbox is the only
 * buffer: a slow reader falls behind in the outbox, never in memory of its own, and when it falls
 * out of the outbox it gets `resync`. The stream is the client's transport while it is open.
 */
export class SseStream {
  readonly client: ClientRecord
  readonly done: Promise<void>
  readonly #transport: Transport
  readonly #heartbeatMs: number
  #aborted = false
  #closing: string | undefined
  #wake: ((why: Wake) => void) | undefined
  /** An event was appended since the stream last read the outbox. */
  #pending = false
  #timer: NodeJS.Timeout | undefined

  constructor (client: ClientRecord, response: Closable, heartbeatMs: number) {
    this.client = client
    this.#heartbeatMs = heartbeatMs
    this.#transport = { kind: 'sse', close: (reason, by) => { this.close(reason, by) } }
    this.done = new Promise(resolve => {
      response.once('close', () => {
        this.#aborted = true
        this.#wake?.('close')
        resolve()
      })
    })
  }

  /** Serves the client from now until the response closes; presence hears both. */
  attach (presence: Presence): void {
    presence.attach(this.client, this.#transport)
    void this.done.then(() => { presence.detach(this.client, this.#transport, false) })
  }

  /** Asks the stream to say why and end (shutdown, or a newer stream for the same client). */
  close (reason: CloseReason, by?: TransportKind): void {
    this.#closing ??= closeWords(reason, by)
    this.#wake?.('close')
  }

  /** The stream's messages; without `named` they carry no `event:` line (EventSource's onmessage gets them all). */
  async * messages (after: number, named: boolean): AsyncGenerator<SseMessage> {
    const cursor = new OutboxCursor(this.client.outbox, after)
    // One subscription and one heartbeat timer for the stream's life, not one per wake-up: an
    // append while the stream is busy only sets #pending, and each wait refreshes the timer.
    const unsubscribe = this.client.outbox.subscribe(() => {
      this.#pending = true
      this.#wake?.('event')
    })
    this.#timer = setTimeout(() => { this.#wake?.('timeout') }, this.#heartbeatMs)
    try {
      yield * this.#serve(cursor, named)
    } finally {
      unsubscribe()
      clearTimeout(this.#timer)
      this.#wake = undefined
    }
  }

  async * #serve (cursor: OutboxCursor, named: boolean): AsyncGenerator<SseMessage> {
    while (!this.#aborted) {
      if (this.#closing !== undefined) {
        yield { ...(named && { event: 'shutdown' }), data: shutdownFrame(this.#closing) }
        return
      }
      this.#pending = false
      const read = cursor.read(BATCH)
      if (read.kind === 'resync') {
        yield { id: String(read.latest), ...(named && { event: 'resync' }), data: read.frame }
        continue
      }
      if (read.entries.length > 0) {
        // Everything ready goes out as one write: the frames are pre-serialized here and carried
        // as one message (see batch), instead of one message per event.
        let text = ''
        for (const entry of read.entries) {
          text += named ? `id: ${entry.seq}\nevent: ${entry.name}\ndata: ${entry.json}\n\n` : `id: ${entry.seq}\ndata: ${entry.json}\n\n`
        }
        cursor.delivered(cursor.position)
        yield batch(text)
        continue
      }
      if (await this.#wait() === 'timeout') yield { comment: 'hb' }
    }
  }

  /** Waits for a new outbox entry, the heartbeat interval, or the end of the stream. */
  async #wait (): Promise<Wake> {
    if (this.#aborted || this.#closing !== undefined) return 'close'
    // An event appended since the last read: no need to sleep.
    if (this.#pending) return 'event'
    this.#timer?.refresh()
    return await new Promise<Wake>(resolve => {
      this.#wake = (why: Wake): void => {
        this.#wake = undefined
        resolve(why)
      }
    })
  }
}

/** Every open SSE stream, for shutdown and metrics. */
export class SseStreams {
  readonly #open = new Set<SseStream>()
  readonly #presence: Presence
  readonly #sources: SourceLimits
  readonly #heartbeatMs: number

  constructor (presence: Presence, sources: SourceLimits, heartbeatMs: number) {
    this.#presence = presence
    this.#sources = sources
    this.#heartbeatMs = heartbeatMs
  }

  get count (): number {
    return this.#open.size
  }

  /**
   * Opens `client`'s stream after `lastEventId` (or what it was last sent) on `response`. The
   * stream becomes the client's transport: an older stream or socket of the client is told to close.
   * The stream takes one of `source`'s share of streams (RATE_LIMITED, before anything is sent,
   * when the source holds them all: SOURCE_MAX_STREAMS).
   */
  open (client: ClientRecord, response: Closable, lastEventId: number | undefined, named: boolean, source: string): AsyncGenerator<SseMessage> {
    const release = this.#sources.openStream(source)
    const stream = new SseStream(client, response, this.#heartbeatMs)
    this.#open.add(stream)
    stream.attach(this.#presence)
    void stream.done.then(() => {
      this.#open.delete(stream)
      release()
    })
    return stream.messages(lastEventId ?? client.outbox.delivered, named)
  }

  /** Tells every stream the server is going away, and waits (briefly) until they have ended. */
  async closeAll (waitMs = 1000): Promise<void> {
    const streams = [...this.#open]
    for (const stream of streams) stream.close('shutdown')
    if (streams.length === 0) return
    let timer: NodeJS.Timeout | undefined
    await Promise.race([
      Promise.all(streams.map(async s => { await s.done })),
      new Promise(resolve => { timer = setTimeout(resolve, waitMs) })
    ])
    clearTimeout(timer)
  }
}
