import { connect, type Socket } from 'node:net'
import type { Logger } from '../../core/logger.js'
import { NetstringDecoder, encodeNetstring } from './netstring.js'

export interface LineOptions {
  host: string
  port: number
  /** What the line leads to, for logs ("kamailio evapi", "phone 1001"). */
  name: string
  log: Logger
  onMessage: (message: Record<string, unknown>) => void
  /** Called when the line comes up or goes down. */
  onState?: (up: boolean) => void
  /** First retry after this long, doubling to `maxRetryMs`. */
  retryMs?: number
  maxRetryMs?: number
}

/**
 * A TCP connection carrying JSON in netstrings (kamailio's evapi, baresip's ctrl_tcp), kept up:
 * when it drops or cannot be made it is tried again with backoff until `close`.
 */
export class Line {
  readonly #o: LineOptions
  #socket: Socket | undefined
  #up = false
  #closed = false
  #retry: NodeJS.Timeout | undefined
  #retryMs: number

  constructor (options: LineOptions) {
    this.#o = options
    this.#retryMs = options.retryMs ?? 100
    this.#connect()
  }

  get up (): boolean {
    return this.#up
  }

  /** Sends one message; false when the line is down (nothing is queued: the caller decides). */
  send (message: unknown): boolean {
    if (!this.#up || this.#socket === undefined) return false
    this.#socket.write(encodeNetstring(JSON.stringify(message)))
    return true
  }

  close (): void {
    this.#closed = true
    clearTimeout(this.#retry)
    this.#socket?.destroy()
  }

  #connect (): void {
    if (this.#closed) return
    const { host, port, name, log } = this.#o
    const socket = connect({ host, port })
    this.#socket = socket
    socket.setNoDelay(true)
    const decoder = new NetstringDecoder(text => {
      let message: unknown
      try {
        message = JSON.parse(text)
      } catch {
        log.warn({ line: name }, 'a message that is not JSON; ignored')
        return
      }
      if (typeof message === 'object' && message !== null && !Array.isArray(message)) this.#o.onMessage(message as Record<string, unknown>)
    }, problem => {
      log.warn({ line: name, problem }, 'broken framing; reconnecting')
      socket.destroy()
    })
    socket.on('connect', () => {
      this.#up = true
      this.#retryMs = this.#o.retryMs ?? 100
      log.info({ line: name, address: `${host}:${port}` }, 'connected')
      this.#o.onState?.(true)
    })
    socket.on('data', chunk => { decoder.push(chunk) })
    socket.on('error', () => {})
    socket.on('close', () => {
      if (this.#socket !== socket) return
      const was = this.#up
      this.#up = false
      this.#socket = undefined
      // Closed on purpose (the connector stopping): nothing was lost.
      if (this.#closed) return
      if (was) {
        log.warn({ line: name }, 'connection lost')
        this.#o.onState?.(false)
      }
      this.#retry = setTimeout(() => { this.#connect() }, this.#retryMs)
      this.#retry.unref()
      this.#retryMs = Math.min(this.#retryMs * 2, this.#o.maxRetryMs ?? 2000)
    })
  }
}
