import fp from 'fastify-plugin'
import { FastifySSEPlugin } from 'fastify-sse-v2'
import type { EventMessage } from 'fastify-sse-v2'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { ClientRecord, Transport } from '../src/core/client.js'
import type { Presence } from '../src/core/presence.js'
import type { CoreEvent } from '../src/schemas/protocol.schema.js'

declare module 'fastify' {
  interface FastifyInstance {
    eventStreams: EventStreams
  }
}

/** How many outbox entries one wake-up hands to the stream at most. */
const BATCH = 256

type Wake = 'event' | 'timeout' | 'close'

/** One open SSE stream of one client. */
class OpenStream {
  readonly client: ClientRecord
  readonly #abort = new AbortController()
  #closeReason: string | undefined
  #wake: ((why: Wake) => void) | undefined
  readonly done: Promise<void>

  constructor (client: ClientRecord, reply: FastifyReply) {
    this.client = client
    this.done = new Promise(resolve => {
      reply.raw.once('close', () => {
        this.#abort.abort()
        this.#wake?.('close')
        resolve()
      })
    })
  }

  get aborted (): boolean {
    return this.#abort.signal.aborted
  }

  get closeReason (): string | undefined {
    return this.#closeReason
  }

  /** Asks the stream to say why and end (shutdown, or a newer stream for the same client). */
  close (reason: string): void {
    this.#closeReason ??= reason
    this.#wake?.('close')
  }

  /** Waits for a new outbox entry, the heartbeat interval, or the end of the stream. */
  async wait (ms: number): Promise<Wake> {
    if (this.aborted || this.#closeReason !== undefined) return 'close'
    return await new Promise<Wake>(resolve => {
      const finish = (why: Wake): void => {
        clearTimeout(timer)
        unsubscribe()
        this.#wake = undefined
        resolve(why)
      }
      const timer = setTimeout(finish, ms, 'timeout')
      const unsubscribe = this.client.outbox.subscribe(() => { finish('event') })
      this.#wake = finish
    })
  }
}

export interface EventStreamOptions {
  heartbeatMs: number
  presence: Presence
}

/**
 * Pre-serialized SSE frames as one fastify-sse-v2 message. The plugin serializes a message's
 * `comment` as `:<comment>\n` and ends the message with a blank line, so a comment of `\n`
 * followed by the frames (without their last blank line) comes out as an empty comment line
 * (`:`, which EventSource ignores) and then exactly the frames. One message per wake-up instead of
 * one per event is what brings the plugin close to a raw writer (BENCHMARKS.md).
 */
function batch (frames: string): EventMessage {
  return { comment: '\n' + frames.slice(0, -2) }
}

function coreEvent (name: CoreEvent['event']['name'], data: CoreEvent['event']['data']): string {
  const event: CoreEvent = { messageType: 'coreEvent', event: { name, data } }
  return JSON.stringify(event)
}

/**
 * The SSE face of client outboxes. Each client has at most one open stream; the stream reads the
 * outbox from a cursor (Last-Event-ID, or what was last delivered), so the outbox is the only
 * buffer: a slow reader falls behind in the outbox, never in memory of its own, and when it falls
 * out of the outbox it gets `resync`.
 */
export class EventStreams {
  readonly #open = new Set<OpenStream>()
  readonly #options: EventStreamOptions

  constructor (options: EventStreamOptions) {
    this.#options = options
  }

  get count (): number {
    return this.#open.size
  }

  /**
   * Starts streaming `client`'s outbox after `lastEventId` (or what it was last sent). The stream
   * becomes the client's transport: an older stream or socket of the client is told to close.
   */
  open (request: FastifyRequest, reply: FastifyReply, client: ClientRecord, lastEventId: number | undefined, named = true): void {
    const stream = new OpenStream(client, reply)
    const transport: Transport = { kind: 'sse', close: reason => { stream.close(reason) } }
    this.#open.add(stream)
    this.#options.presence.attach(client, transport)
    void stream.done.then(() => {
      this.#open.delete(stream)
      this.#options.presence.detach(client, transport, false)
    })
    reply.header('X-Accel-Buffering', 'no')
    reply.sse(this.#frames(stream, lastEventId ?? client.outbox.delivered, named))
    request.log.debug({ clientId: client.id, lastEventId }, 'event stream opened')
  }

  /** Tells every stream the server is going away, and waits (briefly) until they have ended. */
  async closeAll (reason: string, waitMs = 1000): Promise<void> {
    const streams = [...this.#open.values()]
    for (const stream of streams) stream.close(reason)
    if (streams.length === 0) return
    let timer: NodeJS.Timeout | undefined
    await Promise.race([
      Promise.all(streams.map(async s => { await s.done })),
      new Promise(resolve => { timer = setTimeout(resolve, waitMs) })
    ])
    clearTimeout(timer)
  }

  /** The stream's frames; without `named` they carry no `event:` line (EventSource's onmessage gets them all). */
  async * #frames (stream: OpenStream, startAfter: number, named: boolean): AsyncGenerator<EventMessage> {
    const { client } = stream
    const name = (value: string): string | undefined => named ? value : undefined
    let cursor = startAfter
    while (!stream.aborted) {
      if (stream.closeReason !== undefined) {
        yield { event: name('shutdown'), data: coreEvent('shutdown', { reason: stream.closeReason }) }
        return
      }
      const read = client.outbox.read(cursor, BATCH)
      if (read.kind === 'gap') {
        yield { id: String(read.latest), event: name('resync'), data: coreEvent('resync', { lastEventId: cursor, oldest: read.oldest, latest: read.latest }) }
        cursor = read.latest
        client.outbox.markDelivered(cursor)
        continue
      }
      if (read.entries.length > 0) {
        // Everything ready goes out as one write: the frames are pre-serialized here and carried
        // through fastify-sse-v2 as one message (see batch), instead of one message per event.
        let text = ''
        for (const entry of read.entries) {
          text += named ? `id: ${entry.seq}\nevent: ${entry.name}\ndata: ${entry.json}\n\n` : `id: ${entry.seq}\ndata: ${entry.json}\n\n`
          cursor = entry.seq
        }
        client.outbox.markDelivered(cursor)
        yield batch(text)
        continue
      }
      if (await stream.wait(this.#options.heartbeatMs) === 'timeout') yield { comment: 'hb' }
    }
  }
}

export default fp(async function eventStreamsPlugin (app: FastifyInstance) {
  await app.register(FastifySSEPlugin, { retryDelay: app.his.config.SSE_RETRY_MS })
  const streams = new EventStreams({ heartbeatMs: app.his.config.SSE_HEARTBEAT_MS, presence: app.his.presence })
  app.decorate('eventStreams', streams)
  app.addHook('preClose', async () => { await streams.closeAll('server shutting down') })
}, { name: 'event-streams', dependencies: ['instance'] })
