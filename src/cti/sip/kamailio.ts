import type { Logger } from '../../core/logger.js'
import { Line } from './line.js'

/** A call kamailio holds for the connector to decide (its INVITE transaction, suspended). */
export interface Parked {
  tindex: number
  tlabel: number
}

/** What kamailio tells the connector (sip/kamailio.cfg). */
export type KamailioEvent =
  | { event: 'invite', tindex: number, tlabel: number, callId: string, from: string, to: string }
  | { event: 'parked', tindex: number, tlabel: number, callId: string, code: number }
  | { event: 'cancel', callId: string }

export interface KamailioOptions {
  host: string
  port: number
  log: Logger
  onEvent: (event: KamailioEvent) => void
  onState?: (up: boolean) => void
}

function isEvent (m: Record<string, unknown>): m is KamailioEvent {
  if (typeof m.callId !== 'string') return false
  if (m.event === 'cancel') return true
  if (typeof m.tindex !== 'number' || typeof m.tlabel !== 'number') return false
  if (m.event === 'invite') return typeof m.from === 'string' && typeof m.to === 'string'
  return m.event === 'parked' && typeof m.code === 'number'
}

/**
 * The connector's end of kamailio's evapi (sip/kamailio.cfg): kamailio parks every new call and
 * asks where it goes; the connector answers `route` (to a registered user: an agent's phone or
 * any other) or `reply` (a final answer to the caller).
 */
export class Kamailio {
  readonly #line: Line
  readonly #log: Logger

  constructor (options: KamailioOptions) {
    this.#log = options.log
    this.#line = new Line({
      host: options.host,
      port: options.port,
      name: 'kamailio evapi',
      log: options.log,
      onMessage: message => {
        if (isEvent(message)) options.onEvent(message)
        else this.#log.warn({ event: String(message.event).slice(0, 32) }, 'kamailio sent something unknown; ignored')
      },
      ...(options.onState !== undefined && { onState: options.onState })
    })
  }

  get up (): boolean {
    return this.#line.up
  }

  /** The parked call goes on to `target` (a user registered at kamailio). */
  route (parked: Parked, target: string): boolean {
    return this.#line.send({ action: 'route', tindex: parked.tindex, tlabel: parked.tlabel, target })
  }

  /** The parked call gets a final answer (its caller hears busy, not found …). */
  reply (parked: Parked, code: number, reason: string): boolean {
    return this.#line.send({ action: 'reply', tindex: parked.tindex, tlabel: parked.tlabel, code, reason })
  }

  close (): void {
    this.#line.close()
  }
}
