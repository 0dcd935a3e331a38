import { hash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto'
import { AUTH_FAILED, NOT_ACCEPTING_CLIENTS } from '../errors.js'
import type { Clock } from './clock.js'
import { flattened } from './flat.js'
import { Outbox } from './outbox.js'
import type { SourceLimits } from './sources.js'

/** The key of one resource binding: service id and resource id. */
export function resourceKey (serviceId: string, resourceId: string): string {
  return serviceId + '\u0000' + resourceId
}

export type TransportKind = 'sse' | 'ws'

/**
 * Why a transport is told to close: a fixed vocabulary, which src/transport/close-reasons.ts maps
 * to the words peers read and the WebSocket close codes (docs/protocol.md, Closing).
 */
export const CLOSE_REASONS = ['shutdown', 'replaced', 'client_closed', 'slow_consumer', 'not_accepting', 'over_limit'] as const
export type CloseReason = typeof CLOSE_REASONS[number]

/** An event transport attached to a client (an SSE stream or a WebSocket). */
export interface Transport {
  readonly kind: TransportKind
  /** Asks the transport to tell its peer why and close (`by`: the transport that replaced it). */
  close: (reason: CloseReason, by?: TransportKind) => void
}

const NONE: ReadonlySet<string> = new Set()
const SETTLED: Promise<unknown> = Promise.resolve()

/**
 * A UUID as one flat string: randomUUID() returns a rope of its nine hex pieces (~480 bytes of
 * heap while it lives, ~60 flat).
 */
export function flatUuid (): string {
  return flattened(randomUUID())
}

/**
 * One connected media bar: a WebSocket, or a REST client identified by its token. Everything it
 * binds and every event it receives hangs off this record, whichever transport carries them.
 *
 * Its size matters (MAX_CLIENTS of them, most of them idle): sets are made when the first member
 * comes, the token's hash is kept as one string, and the request chain starts from one shared
 * settled promise (BENCHMARKS.md, Idle client record).
 */
export class ClientRecord {
  readonly id: string
  readonly name: string
  /** Where the client came from (src/core/sources.ts: an IPv4 address or an IPv6 /64): per-source limits count it. */
  readonly source: string
  readonly createdAt: number
  readonly outbox: Outbox
  /** The event transport attached now, if any (one at a time). */
  transport: Transport | undefined
  /** Whether an event transport was ever attached (presence rules differ). */
  everAttached = false
  /** The instance time of its last request (presence's idle rule). */
  lastSeen: number
  /** base64url of the token's SHA-256. */
  readonly #tokenKey: string
  #services: Set<string> | undefined
  #resources: Set<string> | undefined
  #chain: Promise<unknown> = SETTLED
  #closed = false

  constructor (name: string, source: string, tokenHash: Buffer, outbox: OutboxLimits, now: number) {
    this.id = flatUuid()
    this.name = name
    this.source = source
    this.createdAt = now
    this.lastSeen = now
    this.outbox = new Outbox(outbox.size, outbox.replay)
    this.#tokenKey = tokenHash.toString('base64url')
  }

  /** Services this client is bound to. */
  get services (): ReadonlySet<string> {
    return this.#services ?? NONE
  }

  /** Resources this client is bound to, by resourceKey(). */
  get resources (): ReadonlySet<string> {
    return this.#resources ?? NONE
  }

  addService (serviceId: string): void {
    (this.#services ??= new Set()).add(serviceId)
  }

  deleteService (serviceId: string): void {
    this.#services?.delete(serviceId)
    if (this.#services?.size === 0) this.#services = undefined
  }

  addResource (key: string): void {
    (this.#resources ??= new Set()).add(key)
  }

  deleteResource (key: string): void {
    this.#resources?.delete(key)
    if (this.#resources?.size === 0) this.#resources = undefined
  }

  get closed (): boolean {
    return this.#closed
  }

  markClosed (): void {
    this.#closed = true
  }

  /** Constant-time check of a presented token's hash against this client's. */
  holdsToken (tokenHash: Buffer): boolean {
    const mine = Buffer.from(this.#tokenKey, 'base64url')
    return mine.length === tokenHash.length && timingSafeEqual(mine, tokenHash)
  }

  /** The token hash as a map key (never the token itself). */
  get tokenKey (): string {
    return this.#tokenKey
  }

  /**
   * Runs `task` after every task queued before it has finished: a client's requests are processed
   * strictly in arrival order, whatever each one awaits. A failing task does not stop the queue.
   */
  async run<T> (task: () => Promise<T> | T): Promise<T> {
    const result = this.#chain.then(task, task)
    this.#chain = result.then(noop, noop)
    return await result
  }
}

function noop (): void {}

export function hashToken (token: string): Buffer {
  return hash('sha256', token, 'buffer')
}

/** Each client's outbox bounds: OUTBOX_SIZE and OUTBOX_REPLAY (see Outbox). */
export interface OutboxLimits {
  size: number
  replay: number
}

export interface ClientRegistryOptions {
  outbox: OutboxLimits
  /** MAX_CLIENTS: records this instance holds at most, whatever face opened them. */
  maxClients: number
  /** What each source may hold and open (SOURCE_MAX_CLIENTS, SOURCE_CLIENTS_PER_MIN). */
  sources: SourceLimits
  clock: Clock
}

/**
 * Every client record of this instance, found by id or by bearer token. It is also admission:
 * the one place a record is opened (REST and WebSocket alike), within its source's share and the
 * instance's limit and only while the instance accepts clients, and the one place a record is
 * taken back by its token.
 */
export class ClientRegistry {
  readonly #byId = new Map<string, ClientRecord>()
  readonly #byTokenHash = new Map<string, ClientRecord>()
  readonly #options: ClientRegistryOptions
  #accepting = true

  constructor (options: ClientRegistryOptions) {
    this.#options = options
  }

  get size (): number {
    return this.#byId.size
  }

  /** The instance is shutting down: no new records from now on. */
  stopAccepting (): void {
    this.#accepting = false
  }

  /**
   * Opens a client record for `source`: RATE_LIMITED when the source holds or has opened its
   * share, NOT_ACCEPTING_CLIENTS when the instance is full or shutting down. The token is
   * returned once, here; only its hash is kept.
   */
  open (name: string, source: string): { client: ClientRecord, token: string } {
    if (!this.#accepting) throw new NOT_ACCEPTING_CLIENTS('this instance is shutting down')
    if (this.#byId.size >= this.#options.maxClients) throw new NOT_ACCEPTING_CLIENTS('this instance has reached its client limit')
    this.#options.sources.openClient(source)
    const token = randomBytes(32).toString('base64url')
    const client = new ClientRecord(name, source, hashToken(token), this.#options.outbox, this.#options.clock.now())
    this.#byId.set(client.id, client)
    this.#byTokenHash.set(client.tokenKey, client)
    return { client, token }
  }

  /** The record a client takes back with its id and token (a WebSocket resume); AUTH_FAILED otherwise. */
  resume (clientId: string, token: string): ClientRecord {
    const client = this.byToken(token)
    if (client === undefined || client.id !== clientId) throw new AUTH_FAILED('unknown client, or the token does not belong to it')
    return client
  }

  get (id: string): ClientRecord | undefined {
    return this.#byId.get(id)
  }

  byToken (token: string): ClientRecord | undefined {
    const digest = hashToken(token)
    const client = this.#byTokenHash.get(digest.toString('base64url'))
    return client !== undefined && client.holdsToken(digest) ? client : undefined
  }

  /** Forgets a client record (its bindings must already be released). */
  remove (client: ClientRecord): void {
    if (client.closed) return
    client.markClosed()
    this.#byId.delete(client.id)
    this.#byTokenHash.delete(client.tokenKey)
    this.#options.sources.closeClient(client.source)
  }

  all (): IterableIterator<ClientRecord> {
    return this.#byId.values()
  }
}
