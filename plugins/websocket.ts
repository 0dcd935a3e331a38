import fp from 'fastify-plugin'
import websocket from '@fastify/websocket'
import type { FastifyBaseLogger, FastifyInstance } from 'fastify'
import type { WebSocket, RawData } from 'ws'
import { AUTH_FAILED, INVALID_MESSAGE, INVALID_STATE, toFailure } from '../src/errors.js'
import type { ClientRecord, Transport } from '../src/core/client.js'
import { compileCheck } from '../src/core/dispatcher.js'
import type { Instance } from '../src/instance.js'
import { Type } from '@sinclair/typebox'
import type { CoreError, CoreEvent, CoreResponse } from '../src/schemas/protocol.schema.js'

declare module 'fastify' {
  interface FastifyInstance {
    hisSockets: HisSockets
  }
}

/** Close codes the server uses (documented in the README). */
export const CLOSE_CODES = {
  /** The server is shutting down: reconnect (to another instance). */
  SHUTDOWN: 1001,
  /** Another socket or stream took this client over (a resume elsewhere). */
  REPLACED: 4001,
  /** The client record was closed or expired. */
  CLIENT_CLOSED: 4002,
  /** The peer read too slowly; its events wait in the outbox for a resume. */
  SLOW_CONSUMER: 4003
} as const

/** Above this many unsent bytes a peer is too slow and is disconnected (it can resume). */
const MAX_BUFFERED = 4 * 1024 * 1024
const OPEN = 1

const resumeRequest = compileCheck(Type.Object({
  messageType: Type.Literal('coreRequest'),
  requestId: Type.Optional(Type.String({ maxLength: 128 })),
  command: Type.Literal('resume'),
  clientId: Type.String({ minLength: 1, maxLength: 256 }),
  token: Type.String({ minLength: 1, maxLength: 256 }),
  lastEventId: Type.Optional(Type.Integer({ minimum: 0 }))
}))

interface SocketOptions {
  pingMs: number
  maxBytes: number
}

/**
 * One WebSocket: one client. It carries PROTOCOL.md messages, one per text frame, through the
 * same dispatcher as REST, in arrival order, and sends the client's outbox (the same envelopes
 * SSE sends). A `resume` request takes back an earlier client record.
 */
export class HisSocket {
  readonly #his: Instance
  readonly #socket: WebSocket
  readonly #log: FastifyBaseLogger
  readonly #options: SocketOptions
  readonly #transport: Transport
  readonly #pinger: NodeJS.Timeout
  readonly #onGone: (s: HisSocket) => void
  #client: ClientRecord
  /** Opened by this socket (no token was ever handed out for it). */
  #provisional = true
  #cursor = 0
  #flushQueued = false
  #unsubscribe: () => void = () => {}
  #alive = true
  #chain: Promise<void> = Promise.resolve()
  #closing = false

  constructor (his: Instance, socket: WebSocket, log: FastifyBaseLogger, options: SocketOptions, onGone: (s: HisSocket) => void) {
    this.#his = his
    this.#socket = socket
    this.#log = log
    this.#options = options
    this.#onGone = onGone
    this.#transport = {
      kind: 'ws',
      close: reason => { this.close(reason, reason.startsWith('replaced') ? CLOSE_CODES.REPLACED : CLOSE_CODES.CLIENT_CLOSED) }
    }
    // Listeners first and synchronously: messages sent right after `open` must not be lost.
    socket.on('message', (data, isBinary) => {
      this.#alive = true
      this.#chain = this.#chain.then(async () => { await this.#handle(data, isBinary) }).catch(err => {
        this.#log.error({ err }, 'websocket message failed')
      })
    })
    socket.on('pong', () => { this.#alive = true })
    socket.on('close', () => { this.#closed() })
    this.#pinger = setInterval(() => {
      if (!this.#alive) {
        this.#log.info({ clientId: this.#client.id }, 'websocket peer did not answer the ping; dropped')
        socket.terminate()
        return
      }
      this.#alive = false
      socket.ping()
    }, options.pingMs)
    this.#pinger.unref()
    this.#client = his.clients.open('websocket', Date.now()).client
    this.#attach(this.#client, 0)
  }

  get clientId (): string {
    return this.#client.id
  }

  /** Tells the peer why (a coreEvent) and closes with `code`. */
  close (reason: string, code: number): void {
    if (this.#closing) return
    this.#closing = true
    const notice: CoreEvent = { messageType: 'coreEvent', event: { name: 'shutdown', data: { reason } } }
    this.#flush()
    this.#send(JSON.stringify(notice))
    this.#socket.close(code, reason.slice(0, 120))
  }

  #attach (client: ClientRecord, after: number): void {
    this.#unsubscribe()
    this.#client = client
    this.#cursor = after
    this.#his.presence.attach(client, this.#transport)
    // A burst of events (one CTI step makes several) is sent together, after the step: one
    // flush, corked into one socket write. Answers flush first, so events still come first.
    this.#unsubscribe = client.outbox.subscribe(() => {
      if (this.#flushQueued) return
      this.#flushQueued = true
      queueMicrotask(() => {
        this.#flushQueued = false
        this.#flush()
      })
    })
    this.#flush()
  }

  /** Sends what the outbox holds after the cursor (or `resync` when that is gone). */
  #flush (): void {
    if (this.#socket.readyState !== OPEN) return
    const client = this.#client
    const read = client.outbox.read(this.#cursor)
    if (read.kind === 'gap') {
      const resync: CoreEvent = { messageType: 'coreEvent', event: { name: 'resync', data: { lastEventId: this.#cursor, oldest: read.oldest, latest: read.latest } } }
      this.#send(JSON.stringify(resync))
      this.#cursor = read.latest
      client.outbox.markDelivered(this.#cursor)
    } else if (read.entries.length > 0) {
      // ws writes a frame's header and payload separately; cork the TCP socket so the whole
      // burst leaves in one write (ws exposes it as _socket).
      const tcp = (this.#socket as unknown as { _socket?: { cork: () => void, uncork: () => void } })._socket
      tcp?.cork()
      const last = read.entries.length - 1
      read.entries.forEach((entry, i) => {
        // The burst counts as delivered once the socket has taken its last frame, so frames
        // still queued here when a slow peer is dropped stay in the outbox for its resume.
        this.#send(entry.json, i === last ? err => { if (err === undefined || err === null) client.outbox.markDelivered(entry.seq) } : undefined)
        this.#cursor = entry.seq
      })
      tcp?.uncork()
    }
    if (this.#socket.bufferedAmount > MAX_BUFFERED) {
      this.#log.warn({ clientId: client.id, buffered: this.#socket.bufferedAmount }, 'websocket peer reads too slowly; disconnected (it can resume)')
      this.close('reading too slowly; resume to get the rest', CLOSE_CODES.SLOW_CONSUMER)
    }
  }

  #send (text: string, sent?: (err?: Error) => void): void {
    if (this.#socket.readyState === OPEN) this.#socket.send(text, sent)
  }

  #error (requestId: string | undefined, err: unknown): void {
    const answer: CoreError = { messageType: 'coreError', ...(requestId !== undefined && { requestId }), failure: toFailure(err) }
    this.#send(JSON.stringify(answer))
  }

  async #handle (data: RawData, isBinary: boolean): Promise<void> {
    if (this.#closing) return
    if (isBinary) {
      this.#error(undefined, new INVALID_MESSAGE('send each message as one JSON text frame'))
      return
    }
    const text = Array.isArray(data) ? Buffer.concat(data).toString('utf8') : Buffer.from(data as ArrayBuffer).toString('utf8')
    const bytes = Buffer.byteLength(text)
    if (bytes > this.#options.maxBytes) {
      this.#error(undefined, new INVALID_MESSAGE(`message of ${bytes} bytes; the limit is ${this.#options.maxBytes}`))
      return
    }
    let message: unknown
    try {
      message = JSON.parse(text)
    } catch {
      this.#error(undefined, new INVALID_MESSAGE('the message is not JSON'))
      return
    }
    const m = message as { messageType?: unknown, command?: unknown } | null
    if (m !== null && typeof m === 'object' && m.messageType === 'coreRequest' && m.command === 'resume') {
      this.#resume(message)
      return
    }
    const answer = await this.#his.dispatcher.handle(this.#client, message)
    this.#flush()
    this.#send(JSON.stringify(answer))
  }

  /**
   * [extension] `{"messageType":"coreRequest","command":"resume","clientId","token","lastEventId"}`:
   * this socket takes over an earlier client record (from POST /clients, or a socket that
   * dropped) and replays its outbox after `lastEventId` (or sends `resync`). It must come before
   * this socket binds or prepares anything.
   */
  #resume (message: unknown): void {
    const requestId = typeof (message as { requestId?: unknown }).requestId === 'string' ? (message as { requestId: string }).requestId : undefined
    const answer: CoreResponse = { messageType: 'coreResponse', ...(requestId !== undefined && { requestId }), command: 'resume', result: 'success' }
    try {
      resumeRequest.assert(message)
      const { clientId, token, lastEventId } = message as { clientId: string, token: string, lastEventId?: number }
      const target = this.#his.clients.byToken(token)
      if (target === undefined || target.id !== clientId) throw new AUTH_FAILED('unknown client, or the token does not belong to it')
      const current = this.#client
      if (target !== current) {
        if (current.services.size > 0 || this.#his.processor.sessionsOwnedBy(current.id).length > 0) {
          throw new INVALID_STATE('resume must come before this socket binds or prepares anything')
        }
        if (this.#provisional) {
          current.transport = undefined
          this.#his.clients.remove(current)
        }
      }
      const from = lastEventId ?? target.outbox.delivered
      this.#provisional = false
      this.#send(JSON.stringify({ ...answer, clientId: target.id, data: { lastEventId: from, latest: target.outbox.latest } }))
      this.#attach(target, from)
      this.#log.info({ clientId: target.id, lastEventId: from }, 'websocket resumed a client')
    } catch (err) {
      this.#send(JSON.stringify({ ...answer, result: 'failure', failure: toFailure(err) }))
    }
  }

  #closed (): void {
    clearInterval(this.#pinger)
    this.#unsubscribe()
    this.#onGone(this)
    const client = this.#client
    if (this.#provisional && client.services.size === 0 && this.#his.processor.sessionsOwnedBy(client.id).length === 0) {
      // Nobody can resume a socket's own record, and nothing hangs off it: forget it now.
      client.transport = undefined
      if (!client.closed) this.#his.clients.remove(client)
      return
    }
    this.#his.presence.detach(client, this.#transport, true)
  }
}

/** Every open socket, for shutdown and metrics. */
export class HisSockets {
  readonly #open = new Set<HisSocket>()

  get count (): number {
    return this.#open.size
  }

  add (socket: HisSocket): void {
    this.#open.add(socket)
  }

  remove (socket: HisSocket): void {
    this.#open.delete(socket)
  }

  closeAll (reason: string): void {
    for (const socket of [...this.#open]) socket.close(reason, CLOSE_CODES.SHUTDOWN)
  }
}

/**
 * The WebSocket face (@fastify/websocket): frames over 1 MiB close the socket (1009); shutdown
 * tells every socket and closes it with 1001.
 */
export default fp(async function websocketPlugin (app: FastifyInstance) {
  const sockets = new HisSockets()
  app.decorate('hisSockets', sockets)
  await app.register(websocket, {
    options: { maxPayload: 1_048_576 },
    preClose (this: FastifyInstance, done: () => void) {
      sockets.closeAll('server shutting down')
      this.websocketServer.close()
      done()
    }
  })
}, { name: 'websocket', dependencies: ['instance'] })
