import type { RawData, WebSocket } from 'ws'
import { INVALID_MESSAGE, rateLimited, toFailure } from '../errors.js'
import type { ClientRecord, ClientRegistry, CloseReason, Transport, TransportKind } from '../core/client.js'
import type { Clock } from '../core/clock.js'
import { requestIdOf, type Dispatcher } from '../core/dispatcher.js'
import type { Logger } from '../core/logger.js'
import type { Presence } from '../core/presence.js'
import type { MessageRate } from '../core/rate.js'
import type { SourceLimits } from '../core/sources.js'
import { CLOSE_TABLE, closeWords } from './close-reasons.js'
import { shutdownFrame } from './frames.js'
import { Liveness } from './liveness.js'
import { isResume, resume } from './ws-resume.js'
import { SocketSender } from './ws-sender.js'

/** The parts of an instance a WebSocket speaks to: all core. */
export interface WsFace {
  readonly dispatcher: Dispatcher
  readonly clients: ClientRegistry
  readonly presence: Presence
  /** Per-source shares: a socket takes one of its source's streams while it is open. */
  readonly sources: SourceLimits
  /** Per-source budget of messages (WS_MESSAGES_PER_MIN), shared by the source's sockets. */
  readonly messages: MessageRate
  /** The transports' clock: pings run on it. */
  readonly clock: Clock
}

export interface WsOptions {
  /** WS_PING_INTERVAL_MS */
  pingMs: number
  /** WS_MAX_MESSAGE_BYTES: larger messages get a coreError. */
  maxBytes: number
}

/**
 * Messages of one socket received and not yet answered, past which the socket stops reading
 * (TCP then holds the peer back) until it is down to RESUME_AT: what a peer sends faster than
 * its messages are answered waits in its own send buffer, not in this server's memory.
 */
const MAX_PENDING = 64
const RESUME_AT = 16

/**
 * One WebSocket: one client (docs/protocol.md, WebSocket). It carries protocol messages, one per
 * text frame, through the same dispatcher as REST, in arrival order, and sends the client's
 * outbox (the same envelopes SSE sends). The socket gets a client record from admission with its
 * first request, or takes an earlier one back with `resume`.
 */
export class WsConnection {
  readonly #face: WsFace
  readonly #socket: WebSocket
  readonly #log: Logger
  readonly #maxBytes: number
  readonly #transport: Transport
  readonly #sender: SocketSender
  readonly #liveness: Liveness
  readonly #gone: (connection: WsConnection) => void
  /** The peer's source (src/core/sources.ts): a record this socket opens is counted against it. */
  readonly #source: string
  #client: ClientRecord | undefined
  /** The record was opened by this socket (no token was ever handed out for it). */
  #provisional = true
  #chain: Promise<void> = Promise.resolve()
  /** Messages received and not yet answered (MAX_PENDING). */
  #pending = 0
  #closing = false

  constructor (face: WsFace, socket: WebSocket, source: string, log: Logger, options: WsOptions, gone: (connection: WsConnection) => void) {
    this.#face = face
    this.#source = source
    this.#socket = socket
    this.#log = log
    this.#maxBytes = options.maxBytes
    this.#gone = gone
    this.#transport = { kind: 'ws', close: (reason, by) => { this.close(reason, by) } }
    this.#sender = new SocketSender(socket, buffered => {
      this.#log.warn({ clientId: this.#client?.id, buffered }, 'websocket peer reads too slowly; disconnected (it can resume)')
      this.close('slow_consumer')
    })
    this.#liveness = new Liveness(face.clock, options.pingMs, () => { socket.ping() }, () => {
      this.#log.info({ clientId: this.#client?.id }, 'websocket peer did not answer the ping; dropped')
      socket.terminate()
    })
    // Listeners first and synchronously: messages sent right after `open` must not be lost.
    socket.on('message', (data, isBinary) => {
      this.#liveness.seen()
      // Every message takes a token of its source's budget as it arrives, answered or not.
      const wait = face.messages.take(source)
      if (++this.#pending >= MAX_PENDING && !socket.isPaused) socket.pause()
      this.#chain = this.#chain.then(async () => { await this.#handle(data, isBinary, wait) }).catch(err => {
        this.#log.error({ err }, 'websocket message failed')
      }).then(() => {
        if (--this.#pending <= RESUME_AT && socket.isPaused) socket.resume()
      })
    })
    socket.on('pong', () => { this.#liveness.seen() })
    socket.on('close', () => { this.#closed() })
  }

  /** The client this socket serves, once it has one. */
  get clientId (): string | undefined {
    return this.#client?.id
  }

  /** Tells the peer why (a `shutdown` coreEvent) and closes with the reason's code. */
  close (reason: CloseReason, by?: TransportKind): void {
    if (this.#closing) return
    this.#closing = true
    const words = closeWords(reason, by)
    this.#sender.flush()
    this.#sender.send(shutdownFrame(words))
    this.#socket.close(CLOSE_TABLE[reason].code, words.slice(0, 120))
  }

  /**
   * One message, in its turn. `wait` > 0: its source had spent its budget when it arrived, and it
   * is answered RATE_LIMITED (with its requestId when it could be read) and not carried out.
   */
  async #handle (data: RawData, isBinary: boolean, wait: number): Promise<void> {
    if (this.#closing) return
    const read = this.#read(data, isBinary)
    if (wait > 0) {
      const perMinute = this.#face.messages.perMinute
      this.#refuse(read.ok ? requestIdOf(read.message) : undefined,
        rateLimited(`this source sent more than ${perMinute} WebSocket messages in a minute (WS_MESSAGES_PER_MIN); retry in ${Math.ceil(wait / 1000)} s`, wait))
      return
    }
    if (!read.ok) {
      this.#refuse(undefined, read.error)
      return
    }
    const message = read.message
    if (isResume(message)) {
      this.#resume(message)
      return
    }
    const client = this.#client ?? this.#admit(message)
    if (client === undefined) return
    const answer = await this.#face.dispatcher.handle(client, message)
    this.#sender.flush()
    this.#sender.send(JSON.stringify(answer))
  }

  /** A frame as a parsed message, or why it is none (binary, too large, not JSON). */
  #read (data: RawData, isBinary: boolean): { ok: true, message: unknown } | { ok: false, error: Error } {
    if (isBinary) return { ok: false, error: new INVALID_MESSAGE('send each message as one JSON text frame') }
    const text = Array.isArray(data) ? Buffer.concat(data).toString('utf8') : Buffer.isBuffer(data) ? data.toString('utf8') : Buffer.from(data).toString('utf8')
    const bytes = Buffer.byteLength(text)
    if (bytes > this.#maxBytes) return { ok: false, error: new INVALID_MESSAGE(`message of ${bytes} bytes; the limit is ${this.#maxBytes}`) }
    try {
      return { ok: true, message: JSON.parse(text) }
    } catch {
      return { ok: false, error: new INVALID_MESSAGE('the message is not JSON') }
    }
  }

  #refuse (requestId: string | undefined, err: unknown): void {
    this.#sender.send(JSON.stringify(this.#face.dispatcher.refusal(this.#client, requestId, err)))
  }

  /**
   * The socket's first request: admission opens its client record. When the instance is full or
   * shutting down the request gets NOT_ACCEPTING_CLIENTS and the socket closes (1013).
   */
  #admit (message: unknown): ClientRecord | undefined {
    try {
      const { client } = this.#face.clients.open('websocket', this.#source)
      this.#attach(client, 0)
      return client
    } catch (err) {
      this.#refuse(requestIdOf(message), err)
      // Its source's share taken: the socket may stay and resume a record of its own.
      if (toFailure(err).code !== 'RATE_LIMITED') this.close('not_accepting')
      return undefined
    }
  }

  #attach (client: ClientRecord, after: number): void {
    this.#client = client
    this.#face.presence.attach(client, this.#transport)
    this.#sender.follow(client.outbox, after)
  }

  #resume (message: unknown): void {
    const { clients, presence } = this.#face
    const current = this.#client
    const result = resume(clients, presence, current, this.#provisional, message)
    this.#sender.send(JSON.stringify(result.answer))
    if (!result.ok) return
    // A record this socket had resumed before (it holds nothing) is left as if its socket had
    // dropped: away, and gone after the grace period unless something takes it back.
    if (current !== undefined && current !== result.client && !this.#provisional) presence.detach(current, this.#transport, true)
    this.#provisional = false
    this.#attach(result.client, result.after)
    this.#log.info({ clientId: result.client.id, lastEventId: result.after }, 'websocket resumed a client')
  }

  #closed (): void {
    this.#liveness.stop()
    this.#sender.stop()
    this.#gone(this)
    const client = this.#client
    if (client === undefined) return
    const { clients, presence } = this.#face
    if (this.#provisional && !presence.holdsState(client)) {
      // Nobody can resume a socket's own record, and nothing hangs off it: forget it now.
      client.transport = undefined
      if (!client.closed) clients.remove(client)
      return
    }
    presence.detach(client, this.#transport, true)
  }
}

/** Every open WebSocket, for shutdown and metrics. */
export class WsConnections {
  readonly #open = new Set<WsConnection>()
  readonly #face: WsFace
  readonly #options: WsOptions

  constructor (face: WsFace, options: WsOptions) {
    this.#face = face
    this.#options = options
  }

  get count (): number {
    return this.#open.size
  }

  /**
   * Serves a newly opened socket from `source`, or closes it at once (1013) when the source
   * already holds its share of sockets and streams (SOURCE_MAX_STREAMS).
   */
  accept (socket: WebSocket, source: string, log: Logger): WsConnection | undefined {
    let release: () => void
    try {
      release = this.#face.sources.openStream(source)
    } catch {
      log.info({ source }, 'websocket refused: its source holds its share of sockets and streams')
      socket.send(shutdownFrame(CLOSE_TABLE.over_limit.words))
      socket.close(CLOSE_TABLE.over_limit.code, CLOSE_TABLE.over_limit.words)
      return undefined
    }
    const connection = new WsConnection(this.#face, socket, source, log, this.#options, c => {
      this.#open.delete(c)
      release()
    })
    this.#open.add(connection)
    return connection
  }

  /** Tells every socket the server is going away, and closes it (1001). */
  closeAll (): void {
    for (const connection of [...this.#open]) connection.close('shutdown')
  }
}
