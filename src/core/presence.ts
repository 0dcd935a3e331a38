import type { Clock, TimerHandle } from './clock.js'
import type { ClientRecord, ClientRegistry, Transport } from './client.js'
import type { Logger } from './logger.js'
import type { ServiceRegistry } from './service-registry.js'

export interface PresenceOptions {
  /** How long a client that lost its transport may come back (and its sessions survive). */
  graceMs: number
  /** How long a client in use (it owns an agent session) that never attached a transport lives without a request (CLIENT_IDLE_MS). */
  idleMs: number
  /** How long any other client without a transport lives without a request (CLIENT_UNBOUND_MS). */
  unboundMs: number
}

/** What presence tells the owner of agent sessions (the Interaction Processor). */
export interface SessionOwnerEvents {
  /** The client is away: its sessions end at `deadline` unless it comes back. */
  away: (clientId: string, deadline: number) => void
  /** The client is back (a transport attached again): its sessions carry on. */
  back: (clientId: string) => void
  /** The client is gone for good: its sessions end now, with `reason`. */
  gone: (clientId: string, reason: 'client_lost' | 'client_closed') => Promise<void>
  /** Whether the client owns sessions (a record that owns none may be dropped with its transport). */
  owns: (clientId: string) => boolean
}

interface Timers {
  expire?: TimerHandle
}

/**
 * Who is still there. A client with an event transport (SSE stream or WebSocket) is present;
 * when the transport goes, the client is away for the grace period: its agent sessions survive,
 * it can come back (SSE reconnect, WS resume) and carry on; after the grace its sessions are
 * logged out (`client_lost`) and its record removed. A client that never attached a transport
 * is removed after an idle time without requests: CLIENT_IDLE_MS while it is in use (it owns an
 * agent session, which took an agent's password), the much shorter CLIENT_UNBOUND_MS otherwise,
 * whatever it bound (binding a service takes no credential: a record nobody uses costs a slot of
 * its source's share, and a few sources must not hold the instance's MAX_CLIENTS for half an
 * hour). Time is the instance clock, so tests drive it.
 */
export class Presence {
  readonly #clock: Clock
  readonly #clients: ClientRegistry
  readonly #registry: ServiceRegistry
  readonly #options: PresenceOptions
  readonly #owner: SessionOwnerEvents
  readonly #log: Logger
  readonly #timers = new Map<ClientRecord, Timers>()

  constructor (clock: Clock, clients: ClientRegistry, registry: ServiceRegistry, options: PresenceOptions, owner: SessionOwnerEvents, log: Logger) {
    this.#clock = clock
    this.#clients = clients
    this.#registry = registry
    this.#options = options
    this.#owner = owner
    this.#log = log
  }

  /** A transport serves the client now; an earlier one is told to close. */
  attach (client: ClientRecord, transport: Transport): void {
    const previous = client.transport
    client.transport = transport
    if (previous !== undefined && previous !== transport) previous.close('replaced', transport.kind)
    const wasAway = this.#clear(client) && client.everAttached
    client.everAttached = true
    if (wasAway) {
      this.#owner.back(client.id)
      this.#log.info({ clientId: client.id, transport: transport.kind }, 'client back')
    }
  }

  /**
   * The transport is gone. `release` (WebSocket) releases the client's bindings at once; an SSE
   * client keeps them, so its outbox fills for the Last-Event-ID replay.
   */
  detach (client: ClientRecord, transport: Transport, release: boolean): void {
    if (client.transport !== transport) return
    client.transport = undefined
    if (client.closed) return
    if (release) this.#registry.releaseClient(client)
    const deadline = this.#clock.now() + this.#options.graceMs
    this.#clear(client)
    this.#timers.set(client, { expire: this.#clock.setTimer(this.#options.graceMs, () => { void this.expire(client, 'grace') }) })
    this.#owner.away(client.id, deadline)
    this.#log.info({ clientId: client.id, transport: transport.kind, deadline: new Date(deadline).toISOString() }, 'client away')
  }

  /** A REST request: a client that never attached a transport stays while it keeps asking. */
  touch (client: ClientRecord): void {
    client.lastSeen = this.#clock.now()
    if (client.transport !== undefined || client.everAttached || client.closed) return
    this.#clear(client)
    this.#idleTimer(client, this.#inUse(client) ? this.#options.idleMs : Math.min(this.#options.unboundMs, this.#options.idleMs))
  }

  /** Whether a client without a transport is in use: it owns an agent session. */
  #inUse (client: ClientRecord): boolean {
    return this.#owner.owns(client.id)
  }

  /**
   * The idle timer: when it fires, a client that is in use now (the request that armed the timer
   * prepared a session) gets the rest of its longer idle time.
   */
  #idleTimer (client: ClientRecord, ms: number): void {
    this.#timers.set(client, {
      expire: this.#clock.setTimer(ms, () => {
        const rest = client.lastSeen + this.#options.idleMs - this.#clock.now()
        if (this.#inUse(client) && rest > 0) this.#idleTimer(client, rest)
        else void this.expire(client, 'idle')
      })
    })
  }

  /**
   * Whether anything hangs off the client: bindings, or sessions it owns. A record opened by a
   * WebSocket with nothing hanging off it can go with its socket (nobody could resume it).
   */
  holdsState (client: ClientRecord): boolean {
    return client.services.size > 0 || this.#owner.owns(client.id)
  }

  /** A client opened over a transport-less face starts its idle time now. */
  opened (client: ClientRecord): void {
    this.touch(client)
  }

  /**
   * The client is gone for good (its grace or idle time is over, or it closed itself): its
   * bindings and record go, and its sessions end (`client_lost`, or `client_closed`).
   */
  async expire (client: ClientRecord, why: 'grace' | 'idle' | 'closed'): Promise<void> {
    this.#clear(client)
    if (client.closed) return
    this.#log.info({ clientId: client.id, why }, 'client gone')
    const transport = client.transport
    client.transport = undefined
    transport?.close('client_closed')
    this.#registry.releaseClient(client)
    this.#clients.remove(client)
    await this.#owner.gone(client.id, why === 'closed' ? 'client_closed' : 'client_lost')
  }

  /** Clears the client's timers; true when it was away (or idle-timed). */
  #clear (client: ClientRecord): boolean {
    const timers = this.#timers.get(client)
    if (timers === undefined) return false
    this.#clock.clear(timers.expire)
    this.#timers.delete(client)
    return true
  }

  /** Stops every timer (the instance is closing). */
  close (): void {
    for (const client of [...this.#timers.keys()]) this.#clear(client)
  }
}
