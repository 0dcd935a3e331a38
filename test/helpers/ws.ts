import type { FastifyInstance } from 'fastify'
import { WebSocket } from 'ws'

export type Message = Record<string, any>

/**
 * A WebSocket test peer: every frame it receives is kept in order; tests wait for the next one,
 * for one that matches, or for the answer to a request (collecting the events before it).
 * Waits have time limits so a broken server fails the test instead of hanging it.
 */
export class WsPeer {
  readonly socket: WebSocket
  readonly received: Message[] = []
  closeCode: number | undefined
  closeReason = ''
  #cursor = 0
  #waiters: Array<() => void> = []
  #next = 1

  private constructor (socket: WebSocket) {
    this.socket = socket
    socket.on('message', (data: Buffer) => {
      const message: Message = JSON.parse(data.toString('utf8'))
      this.received.push(message)
      this.#notify()
    })
    socket.on('close', (code: number, reason: Buffer) => {
      this.closeCode = code
      this.closeReason = reason.toString('utf8')
      this.#notify()
    })
  }

  static async connect (base: string, options: { autoPong?: boolean, localAddress?: string } = {}): Promise<WsPeer> {
    const socket = new WebSocket(base.replace(/^http/, 'ws') + '/ws', {
      autoPong: options.autoPong ?? true,
      ...(options.localAddress !== undefined && { localAddress: options.localAddress })
    })
    const peer = new WsPeer(socket)
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => { resolve() })
      socket.once('error', reject)
    })
    return peer
  }

  /**
   * A peer on the app's /ws without a port (@fastify/websocket's injectWS): for tests where the
   * network adds nothing (what the server answers, and closes it initiates).
   */
  static async inject (app: FastifyInstance): Promise<WsPeer> {
    let peer: WsPeer | undefined
    await app.injectWS('/ws', {}, { onInit: socket => { peer = new WsPeer(socket) } })
    if (peer === undefined) throw new Error('injectWS did not start a socket')
    return peer
  }

  #notify (): void {
    const waiters = this.#waiters
    this.#waiters = []
    for (const w of waiters) w()
  }

  async #change (timeoutMs: number, what: string): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => { reject(new Error(`timed out waiting for ${what}; last frames: ${JSON.stringify(this.received.slice(-3))}`)) }, timeoutMs)
      this.#waiters.push(() => { clearTimeout(timer); resolve() })
    })
  }

  /** Sends a message (an object as JSON, or raw text/binary as given). */
  send (message: Message | string | Buffer): void {
    this.socket.send(typeof message === 'string' || Buffer.isBuffer(message) ? message : JSON.stringify(message))
  }

  /** The next frame not read yet. */
  async next (timeoutMs = 2000): Promise<Message> {
    for (;;) {
      const frame = this.received[this.#cursor]
      if (frame !== undefined) {
        this.#cursor++
        return frame
      }
      if (this.closeCode !== undefined) throw new Error(`socket closed (${this.closeCode})`)
      await this.#change(timeoutMs, 'the next frame')
    }
  }

  /**
   * Sends a request (a requestId is added when missing) and returns its answer and the frames
   * that came before it.
   */
  async request (message: Message, timeoutMs = 2000): Promise<{ answer: Message, before: Message[] }> {
    const requestId = typeof message.requestId === 'string' ? message.requestId : `t${this.#next++}`
    this.send({ ...message, requestId })
    const before: Message[] = []
    for (;;) {
      const frame = await this.next(timeoutMs)
      if (frame.requestId === requestId && /Response$|^coreError$/.test(String(frame.messageType))) return { answer: frame, before }
      before.push(frame)
    }
  }

  /** The frames received and not read yet (events that arrived on their own). */
  unread (): Message[] {
    const out = this.received.slice(this.#cursor)
    this.#cursor = this.received.length
    return out
  }

  async closed (timeoutMs = 3000): Promise<number> {
    while (this.closeCode === undefined) await this.#change(timeoutMs, 'the socket to close')
    return this.closeCode
  }

  close (): void {
    this.socket.terminate()
  }
}
