import { INVALID_STATE } from '../errors.js'
import type { ClientRecord, CloseReason, Transport, TransportKind } from '../core/client.js'
import type { Presence } from '../core/presence.js'
import type { SourceLimits } from '../core/sources.js'
import { closeWords } from './close-reasons.js'
import { shutdownFrame } from './frames.js'
import { OutboxCursor, afterAppends } from './outbox-cursor.js'

/** How many outbox entries one write carries at most. */
const BATCH = 256

/** What a stream writes to: the hijacked HTTP response (node's ServerResponse, or inject's). */
export interface SseResponse {
  write: (chunk: string, callback?: (err?: Error | null) => void) => boolean
  end: () => unknown
  once: (event: 'close' | 'drain', listener: () => void) => unknown
  readonly destroyed?: boolean
}

/** One SSE frame (`id:`, `event:`, `data:` lines and the blank line that ends it). */
function frame (id: number | undefined, event: string | undefined, data: string): string {
  return `${id === undefined ? '' : `id: ${id}\n`}${event === undefined ? '' : `event: ${event}\n`}data: ${data}\n\n`
}

/**
 * One open SSE stream of one client (docs/protocol.md, Event stream): it reads the client's
 * outbox from a cursor (Last-Event-ID, or what was last delivered), so the outbox is the only
 * buffer: a slow reader falls behind in the outbox, never in memory of its own (nothing more is
 * read while the socket asks to drain), and when it falls out of the outbox it gets `resync`.
 * The stream is the client's transport while it is open.
 *
 * Frames are written to the response as they are: every event ready goes out in one write
 * after the step that made it (one flush per microtask, as on the WebSocket), an event counts as
 * delivered when its write has reached the socket, and one timer makes the heartbeat. No stream
 * object, async iterator or promise per event: that machinery (fastify-sse-v2's it-to-stream
 * pipelines) cost 4.8 of an SSE event's 34.3 µs and 19 KB per stream (BENCHMARKS.md,
 * Performance, second step).
 */
export class SseStream {
  readonly client: ClientRecord
  readonly done: Promise<void>
  readonly #transport: Transport
  readonly #response: SseResponse
  readonly #named: boolean
  readonly #cursor: OutboxCursor
  #aborted = false
  #ended = false
  #closing: string | undefined
  #draining = false
  #unsubscribe: () => void = () => {}
  #timer: NodeJS.Timeout | undefined

  constructor (client: ClientRecord, response: SseResponse, heartbeatMs: number, after: number, named: boolean) {
    this.client = client
    this.#response = response
    this.#named = named
    this.#cursor = new OutboxCursor(client.outbox, after)
    this.#transport = { kind: 'sse', close: (reason, by) => { this.close(reason, by) } }
    this.#timer = setTimeout(() => { this.#heartbeat() }, heartbeatMs)
    this.#timer.unref?.()
    this.done = new Promise(resolve => {
      response.once('close', () => {
        this.#aborted = true
        this.#unsubscribe()
        clearTimeout(this.#timer)
        resolve()
      })
    })
  }

  /** Serves the client from now until the response closes; presence hears both. */
  attach (presence: Presence): void {
    presence.attach(this.client, this.#transport)
    void this.done.then(() => { presence.detach(this.client, this.#transport, false) })
  }

  /** Sends what the outbox holds after the cursor, then every event as it comes. */
  start (): void {
    if (this.#aborted || this.#ended) return
    this.#unsubscribe = afterAppends(this.client.outbox, () => { this.#flush() })
    this.#flush()
  }

  /** Asks the stream to say why and end (shutdown, or a newer stream for the same client). */
  close (reason: CloseReason, by?: TransportKind): void {
    this.#closing ??= closeWords(reason, by)
    this.#flush()
  }

  #flush (): void {
    if (this.#aborted || this.#ended) return
    if (this.#closing !== undefined) {
      this.#ended = true
      this.#unsubscribe()
      clearTimeout(this.#timer)
      this.#response.write(frame(undefined, this.#named ? 'shutdown' : undefined, shutdownFrame(this.#closing)))
      this.#response.end()
      return
    }
    while (!this.#draining) {
      const read = this.#cursor.read(BATCH)
      let text = ''
      let last = 0
      if (read.kind === 'resync') {
        text = frame(read.latest, this.#named ? 'resync' : undefined, read.frame)
      } else {
        for (const entry of read.entries) text += frame(entry.seq, this.#named ? entry.name : undefined, entry.json)
        last = read.entries.at(-1)?.seq ?? 0
      }
      if (text === '') return
      const cursor = this.#cursor
      const ok = this.#response.write(text, last === 0 ? undefined : err => { if (err === undefined || err === null) cursor.delivered(last) })
      this.#timer?.refresh()
      if (!ok) {
        // The socket holds enough: read no more until it has drained.
        this.#draining = true
        this.#response.once('drain', () => {
          this.#draining = false
          this.#flush()
        })
      }
    }
  }

  #heartbeat (): void {
    if (this.#aborted || this.#ended) return
    if (!this.#draining) this.#response.write(':hb\n\n')
    this.#timer?.refresh()
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
  open (client: ClientRecord, response: SseResponse, lastEventId: number | undefined, named: boolean, source: string): SseStream {
    if (response.destroyed === true) throw new INVALID_STATE('the event stream\'s connection closed before it opened')
    const release = this.#sources.openStream(source)
    const stream = new SseStream(client, response, this.#heartbeatMs, lastEventId ?? client.outbox.delivered, named)
    this.#open.add(stream)
    stream.attach(this.#presence)
    void stream.done.then(() => {
      this.#open.delete(stream)
      release()
    })
    return stream
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
