import { CTI_UNAVAILABLE, INVALID_STATE, TIMEOUT } from '../../errors.js'
import type { Logger } from '../../core/logger.js'
import { Line } from './line.js'

/** One of baresip's ctrl_tcp events (`{"event":true,"type":"CALL_INCOMING","id":"<Call-ID>",…}`). */
export interface PhoneEvent {
  type: string
  /** The SIP Call-ID of the call it is about (call events). */
  id?: string
  direction?: string
  peeruri?: string
  param?: string
}

/** A call on the phone, as its events told it. */
export interface PhoneCall {
  readonly id: string
  readonly direction: 'incoming' | 'outgoing'
  state: 'ringing' | 'established'
  peer: string
  /** Whether its media (RTP) flows. */
  rtp: boolean
}

export interface PhoneOptions {
  extension: string
  host: string
  port: number
  log: Logger
  onEvent: (phone: Phone, event: PhoneEvent) => void
  onState?: (phone: Phone, up: boolean) => void
}

/**
 * An agent's SIP phone: a baresip instance reached over its ctrl_tcp module. Commands carry a
 * token and wait for their response; those on one call (`onCall`) select it first (`callfind`)
 * and run one after another, so two requests never act on each other's call. What the phone
 * has is taken from its events (baresip answers `ok` even to an accept with no call).
 */
export class Phone {
  readonly extension: string
  readonly calls = new Map<string, PhoneCall>()
  readonly #line: Line
  readonly #log: Logger
  readonly #pending = new Map<string, { resolve: (data: string) => void, reject: (err: Error) => void, timer: NodeJS.Timeout }>()
  #token = 0
  #chain: Promise<unknown> = Promise.resolve()

  constructor (options: PhoneOptions) {
    this.extension = options.extension
    this.#log = options.log
    this.#line = new Line({
      host: options.host,
      port: options.port,
      name: `phone ${options.extension}`,
      log: options.log,
      onMessage: message => {
        if (message.response === true) this.#response(message)
        else if (message.event === true) this.#event(message as unknown as PhoneEvent, options)
      },
      onState: up => {
        if (!up) {
          for (const [token, p] of this.#pending) {
            clearTimeout(p.timer)
            p.reject(new CTI_UNAVAILABLE(`the phone of extension ${this.extension} went away`))
            this.#pending.delete(token)
          }
        }
        options.onState?.(this, up)
      }
    })
  }

  get up (): boolean {
    return this.#line.up
  }

  /** Runs one command; resolves with its data, or throws (the phone refused, is gone, or did not answer). */
  async command (command: string, params?: string, timeoutMs = 5000): Promise<string> {
    const token = `t${++this.#token}`
    if (!this.#line.send({ command, ...(params !== undefined && { params }), token })) {
      throw new CTI_UNAVAILABLE(`the phone of extension ${this.extension} cannot be reached`)
    }
    return await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(token)
        reject(new TIMEOUT(`the phone of extension ${this.extension} did not answer ${command} in ${timeoutMs} ms`))
      }, timeoutMs)
      this.#pending.set(token, { resolve, reject, timer })
    })
  }

  /** Selects the call `callId` and runs `command` on it, after any command on a call before it. */
  async onCall (callId: string, command: string, params?: string): Promise<string> {
    const run = async (): Promise<string> => {
      if (!this.calls.has(callId)) throw new INVALID_STATE(`the phone of extension ${this.extension} has no call ${callId}`)
      await this.command('callfind', callId)
      return await this.command(command, params)
    }
    const next = this.#chain.then(run, run)
    this.#chain = next.catch(() => {})
    return await next
  }

  /** A call the phone had before the connector restarted (checked with `callfind` once it is reachable). */
  expect (callId: string, direction: 'incoming' | 'outgoing'): void {
    if (!this.calls.has(callId)) this.calls.set(callId, { id: callId, direction, state: 'established', peer: '', rtp: true })
  }

  /** A call the phone no longer has (found out after the connection was back). */
  forget (callId: string): boolean {
    return this.calls.delete(callId)
  }

  close (): void {
    this.#line.close()
  }

  #response (message: Record<string, unknown>): void {
    const token = typeof message.token === 'string' ? message.token : ''
    const p = this.#pending.get(token)
    if (p === undefined) return
    this.#pending.delete(token)
    clearTimeout(p.timer)
    const data = typeof message.data === 'string' ? message.data : ''
    if (message.ok === true) p.resolve(data)
    else p.reject(new INVALID_STATE(`the phone of extension ${this.extension} refused: ${data.trim().slice(0, 200) || 'no reason given'}`))
  }

  #event (event: PhoneEvent, options: PhoneOptions): void {
    const id = event.id
    if (id !== undefined) {
      switch (event.type) {
        case 'CALL_INCOMING':
        case 'CALL_OUTGOING':
          this.calls.set(id, { id, direction: event.type === 'CALL_INCOMING' ? 'incoming' : 'outgoing', state: 'ringing', peer: event.peeruri ?? '', rtp: false })
          break
        case 'CALL_RINGING': {
          if (!this.calls.has(id)) this.calls.set(id, { id, direction: 'outgoing', state: 'ringing', peer: event.peeruri ?? '', rtp: false })
          break
        }
        case 'CALL_ESTABLISHED': {
          const call = this.calls.get(id) ?? { id, direction: event.direction === 'incoming' ? 'incoming' : 'outgoing', state: 'established', peer: event.peeruri ?? '', rtp: false }
          call.state = 'established'
          this.calls.set(id, call)
          break
        }
        case 'CALL_RTPESTAB': {
          const call = this.calls.get(id)
          if (call !== undefined) call.rtp = true
          break
        }
        case 'CALL_CLOSED':
          this.calls.delete(id)
          break
      }
    }
    if (event.type !== 'CALL_RTCP') this.#log.debug({ phone: this.extension, type: event.type, callId: id, param: event.param }, 'phone event')
    options.onEvent(this, event)
  }
}
