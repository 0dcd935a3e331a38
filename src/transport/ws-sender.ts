import type { WebSocket } from 'ws'
import type { Outbox } from '../core/outbox.js'
import { OutboxCursor, afterAppends } from './outbox-cursor.js'

/** Above this many unsent bytes a peer is too slow and is disconnected (it can resume). */
export const MAX_BUFFERED = 4 * 1024 * 1024
const OPEN = 1

/**
 * Sends a client's outbox down one WebSocket: what is there after the cursor, then every event
 * as it comes. A burst of events (one CTI step makes several) goes out together after the step:
 * one flush per microtask, corked into one socket write. An event counts as delivered once the
 * socket has taken the last frame of its burst, so frames still queued when a slow peer is
 * dropped stay in the outbox for its resume.
 */
export class SocketSender {
  readonly #socket: WebSocket
  readonly #slow: (buffered: number) => void
  #cursor: OutboxCursor | undefined
  #unsubscribe: () => void = () => {}

  /** `slow` is told when the peer has more than MAX_BUFFERED bytes unread. */
  constructor (socket: WebSocket, slow: (buffered: number) => void) {
    this.#socket = socket
    this.#slow = slow
  }

  /** Sends `outbox` from after `after` on (a newly opened or resumed client), and what follows. */
  follow (outbox: Outbox, after: number): void {
    this.#unsubscribe()
    this.#cursor = new OutboxCursor(outbox, after)
    this.#unsubscribe = afterAppends(outbox, () => { this.flush() })
    this.flush()
  }

  /** Sends what the outbox holds after the cursor (or `resync` when that is gone). */
  flush (): void {
    const cursor = this.#cursor
    if (cursor === undefined || this.#socket.readyState !== OPEN) return
    const read = cursor.read()
    if (read.kind === 'resync') {
      this.send(read.frame)
    } else if (read.entries.length > 0) {
      // ws writes a frame's header and payload separately; cork the TCP socket so the whole
      // burst leaves in one write (ws exposes it as _socket).
      const tcp = tcpOf(this.#socket)
      tcp?.cork()
      const last = read.entries.length - 1
      read.entries.forEach((entry, i) => {
        this.send(entry.json, i === last ? err => { if (err === undefined || err === null) cursor.delivered(entry.seq) } : undefined)
      })
      tcp?.uncork()
    }
    if (this.#socket.bufferedAmount > MAX_BUFFERED) this.#slow(this.#socket.bufferedAmount)
  }

  /** One text frame, if the socket is still open. */
  send (text: string, sent?: (err?: Error) => void): void {
    if (this.#socket.readyState === OPEN) this.#socket.send(text, sent)
  }

  stop (): void {
    this.#unsubscribe()
    this.#unsubscribe = () => {}
  }
}

interface Corkable {
  cork: () => void
  uncork: () => void
}

function isCorkable (value: unknown): value is Corkable {
  return value !== null && typeof value === 'object' && typeof Reflect.get(value, 'cork') === 'function' && typeof Reflect.get(value, 'uncork') === 'function'
}

/** The TCP socket under a ws WebSocket (ws keeps it, undeclared, as `_socket`), when it can cork. */
function tcpOf (socket: WebSocket): Corkable | undefined {
  const tcp: unknown = Reflect.get(socket, '_socket')
  return isCorkable(tcp) ? tcp : undefined
}
