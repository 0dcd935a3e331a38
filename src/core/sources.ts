import { BlockList, isIPv4, isIPv6 } from 'node:net'
import { rateLimited } from '../errors.js'
import type { Clock } from './clock.js'

/**
 * Where requests come from, as the per-source limits count them: an IPv4 address, or the /64
 * prefix of an IPv6 address (one subscriber's network: an attacker holds a whole /64, not one
 * address). An IPv4 address mapped into IPv6 (`::ffff:1.2.3.4`) is the IPv4 address.
 */
export function sourceOf (address: string | undefined): string {
  if (address === undefined || address === '') return 'unknown'
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)
  if (mapped?.[1] !== undefined) return mapped[1]
  if (isIPv4(address) || !isIPv6(address)) return address
  return ipv6Prefix64(address)
}

/** The first four groups of an IPv6 address, written out (`2001:db8:0:1::/64`). */
function ipv6Prefix64 (address: string): string {
  const [head = '', tail = ''] = address.split('::')
  const front = head === '' ? [] : head.split(':')
  const back = tail === '' ? [] : tail.split(':')
  const groups = address.includes('::') ? [...front, ...Array<string>(8 - front.length - back.length).fill('0'), ...back] : front
  return groups.slice(0, 4).map(g => g.replace(/^0+(?=.)/, '').toLowerCase()).join(':') + '::/64'
}

/** Whether a peer address is the machine itself (127.0.0.0/8, ::1, or IPv4 loopback mapped into IPv6). */
export function isLoopback (address: string | undefined): boolean {
  if (address === undefined) return false
  return /^127\.\d+\.\d+\.\d+$/.test(address) || /^::ffff:127\.\d+\.\d+\.\d+$/i.test(address) || address === '::1'
}

/**
 * Which peers TRUST_PROXY names as proxies (as fastify reads the setting): `true` and a hop count
 * of 1 or more trust every peer (it is taken to be the proxy), a list of addresses and CIDRs
 * those; empty (or 0 hops) none. An IPv4 peer mapped into IPv6 is matched as IPv4.
 */
export function trustedPeers (setting: string): (address: string | undefined) => boolean {
  if (setting === '') return () => false
  if (setting === 'true') return () => true
  if (/^[0-9]+$/.test(setting)) {
    const all = Number(setting) > 0
    return () => all
  }
  const list = new BlockList()
  for (const entry of setting.split(',').map(e => e.trim()).filter(e => e !== '')) {
    const [address = '', prefix] = entry.split('/')
    const type = isIPv6(address) ? 'ipv6' : 'ipv4'
    if (prefix === undefined) list.addAddress(address, type)
    else list.addSubnet(address, Number(prefix), type)
  }
  return address => {
    if (address === undefined) return false
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1]
    if (mapped !== undefined) return list.check(mapped, 'ipv4') || list.check(address, 'ipv6')
    return list.check(address, isIPv6(address) ? 'ipv6' : 'ipv4')
  }
}

/**
 * TCP connections held open per source (SOURCE_MAX_CONNECTIONS): an idle connection costs a file
 * descriptor whether or not it ever sends a request, so each source may hold only so many. A
 * source that holds none is forgotten.
 */
export class ConnectionLimits {
  readonly #max: number
  readonly #open = new Map<string, number>()

  /** `max` 0: no limit. */
  constructor (max: number) {
    this.#max = max
  }

  /** Sources holding connections now (for tests). */
  get size (): number {
    return this.#open.size
  }

  /**
   * A new connection of `source`: its release (call it once, when the connection closes), or
   * undefined when the source holds its share already (close the connection).
   */
  open (source: string): (() => void) | undefined {
    const held = this.#open.get(source) ?? 0
    if (this.#max > 0 && held >= this.#max) return undefined
    this.#open.set(source, held + 1)
    let released = false
    return () => {
      if (released) return
      released = true
      const left = (this.#open.get(source) ?? 1) - 1
      if (left <= 0) this.#open.delete(source)
      else this.#open.set(source, left)
    }
  }

  /** Connections `source` holds now. */
  held (source: string): number {
    return this.#open.get(source) ?? 0
  }
}

export interface SourceLimitOptions {
  /** SOURCE_MAX_CLIENTS: client records one source holds. */
  maxClients: number
  /** SOURCE_CLIENTS_PER_MIN: client records one source opens per minute. */
  clientsPerMinute: number
  /** SOURCE_MAX_STREAMS: WebSockets and event streams one source holds open. */
  maxStreams: number
}

const MINUTE = 60_000

interface Tally {
  clients: number
  streams: number
  /** Records opened in the current minute, and when that minute started. */
  opened: number
  windowStart: number
}

/**
 * What each source holds and how fast it opens: admission asks here before it opens a client
 * record, a transport before it takes a socket or stream. One source can therefore take only its
 * share; the instance-wide MAX_CLIENTS stays the last line. A source that holds nothing and has
 * opened nothing this minute is forgotten, so the table never outgrows what is held.
 */
export class SourceLimits {
  readonly #options: SourceLimitOptions
  readonly #clock: Clock
  readonly #tallies = new Map<string, Tally>()
  /** The table is swept of sources that hold nothing when it grows past this. */
  #sweepAt = 1024

  constructor (options: SourceLimitOptions, clock: Clock) {
    this.#options = options
    this.#clock = clock
  }

  /** Sources tracked now (for tests and metrics). */
  get size (): number {
    return this.#tallies.size
  }

  /** A client record for `source`, or RATE_LIMITED (with when to retry). */
  openClient (source: string): void {
    const tally = this.#tally(source)
    const now = this.#clock.now()
    if (now - tally.windowStart >= MINUTE) {
      tally.windowStart = now
      tally.opened = 0
    }
    if (tally.clients >= this.#options.maxClients) {
      this.#sweep(source, tally)
      throw rateLimited(`this source holds ${tally.clients} client records, its limit (SOURCE_MAX_CLIENTS); close some first`, MINUTE)
    }
    if (tally.opened >= this.#options.clientsPerMinute) {
      const wait = tally.windowStart + MINUTE - now
      throw rateLimited(`this source opened ${tally.opened} client records this minute, its limit (SOURCE_CLIENTS_PER_MIN)`, wait)
    }
    tally.opened++
    tally.clients++
  }

  /** A client record of `source` is gone. */
  closeClient (source: string): void {
    const tally = this.#tallies.get(source)
    if (tally === undefined) return
    tally.clients = Math.max(0, tally.clients - 1)
    this.#sweep(source, tally)
  }

  /**
   * An event stream or socket for `source`: returns its release (call it once, when the stream
   * or socket ends), or throws RATE_LIMITED.
   */
  openStream (source: string): () => void {
    const tally = this.#tally(source)
    if (tally.streams >= this.#options.maxStreams) {
      this.#sweep(source, tally)
      throw rateLimited(`this source holds ${tally.streams} WebSockets and event streams, its limit (SOURCE_MAX_STREAMS)`, MINUTE)
    }
    tally.streams++
    let released = false
    return () => {
      if (released) return
      released = true
      tally.streams = Math.max(0, tally.streams - 1)
      this.#sweep(source, tally)
    }
  }

  /** What `source` holds now. */
  held (source: string): { clients: number, streams: number } {
    const tally = this.#tallies.get(source)
    return { clients: tally?.clients ?? 0, streams: tally?.streams ?? 0 }
  }

  #tally (source: string): Tally {
    let tally = this.#tallies.get(source)
    if (tally === undefined) {
      if (this.#tallies.size >= this.#sweepAt) this.#sweepAll()
      tally = { clients: 0, streams: 0, opened: 0, windowStart: this.#clock.now() }
      this.#tallies.set(source, tally)
    }
    return tally
  }

  #sweepAll (): void {
    for (const [source, tally] of this.#tallies) this.#sweep(source, tally)
    this.#sweepAt = Math.max(1024, this.#tallies.size * 2)
  }

  #sweep (source: string, tally: Tally): void {
    const windowOver = this.#clock.now() - tally.windowStart >= MINUTE
    if (tally.clients === 0 && tally.streams === 0 && (tally.opened === 0 || windowOver) && this.#tallies.get(source) === tally) this.#tallies.delete(source)
  }
}
